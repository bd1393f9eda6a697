// Draws the room on a canvas that fills the stage (viewport.js: size,
// centring, panning): walls and floor (shell.js), furniture, avatars (own
// drawing, no copied artwork), names and the chat stream (chat-bubbles.js).
// Text is drawn as text.
import { PX_PER_HUNDREDTH, drawPiece, footprint, outline, tilesOf, topOf } from "./furniture.js";
import { drawFigure } from "./figure.js";
import { TILE_H, toScreen } from "./iso.js";
import { ChatStream } from "./chat-bubbles.js";
import { Shell } from "./shell.js";
import { Viewport } from "./viewport.js";

const SHARED_TILE_PX = 24; // how far apart avatars on one tile stand on the screen

export class Renderer {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.view = new Viewport(canvas);
    this.chat = new ChatStream();
  }

  // A room opens: room is the snapshot's `room` (door, wallpaper, floor).
  layout(plan, room) {
    this.shell = new Shell(plan, room.door, room);
    this.view.show(this.shell.box);
    this.chat = new ChatStream();
  }

  // The owner changed the room's colours (room_updated): the same room, the view kept.
  repaint(paint) {
    this.shell = new Shell(this.shell.plan, this.shell.door, paint);
  }

  // Where the plan's (0, 0) corner is on the canvas (it moves as the room is panned).
  get origin() {
    return this.view.origin;
  }

  fromClient(x, y) {
    return this.view.fromClient(x, y);
  }

  toClient(x, y) {
    return this.view.toClient(x, y);
  }

  // scene: plan, door, furniture, avatars, now, hover (a tile), and while
  // furnishing: marks (tiles to colour: {tiles, colour}), hidden (a piece id
  // not drawn: the one being moved) and ghost ({piece, tint}, drawn see-through on top).
  draw(scene) {
    const { ctx } = this;
    this.scene = scene;
    this.view.begin(ctx);
    this.shell.draw(ctx, this.origin, this.view.ratio, { hover: scene.hover, marks: scene.marks || [] });
    spreadSharedTiles(scene.avatars);
    // Painter's order: things further back (smaller x + y) first, a stack from the bottom up.
    const depth = furnitureDepths(scene.furniture);
    const things = [
      ...scene.furniture.filter((f) => f.id !== scene.hidden)
        .map((f) => ({ depth: depth.get(f.id), draw: () => this.drawFurniture(scene.plan, f) })),
      ...scene.avatars.map((a) => ({ depth: a.pos.x + a.pos.y + 0.5, draw: () => this.drawAvatar(a, scene.now) })),
    ];
    things.sort((a, b) => a.depth - b.depth).forEach((t) => t.draw());
    if (scene.ghost) {
      ctx.globalAlpha = 0.6;
      this.drawFurniture(scene.plan, scene.ghost.piece, scene.ghost.tint);
      ctx.globalAlpha = 1;
    }
    const me = scene.avatars.find((a) => a.me);
    this.marker = null;
    if (me && me.screen) this.drawMarker(me, scene.now);
    this.chat.collect(ctx, scene.avatars, this.origin);
    this.chat.draw(ctx, this.view, scene.now);
  }

  // For tests and tools: what the last frame showed, in canvas points.
  summary() {
    const avatars = (this.scene?.avatars || []).map((a) => ({ id: a.id, name: a.name, me: Boolean(a.me), box: a.hit || null }));
    return {
      width: this.view.width, height: this.view.height, origin: { ...this.origin }, dragging: this.view.dragging,
      ...(this.shell ? this.shell.summary() : {}), avatars, marker: this.marker || null, bubbles: this.chat.rects,
    };
  }

  // What is under a canvas point in the last scene drawn, the front-most
  // first: {avatar} or {piece}, or null.
  thingAt(px, py) {
    const { scene, ctx } = this;
    if (!scene) return null;
    const hits = [];
    const depth = furnitureDepths(scene.furniture);
    for (const a of scene.avatars) {
      const h = a.hit;
      if (h && px >= h.x0 && px <= h.x1 && py >= h.y0 && py <= h.y1) hits.push({ depth: a.pos.x + a.pos.y + 0.5, avatar: a });
    }
    for (const f of scene.furniture) {
      if (f.id === scene.hidden) continue;
      const points = outline(this.origin, f, scene.plan.height(f.x, f.y), (f.z || 0) * PX_PER_HUNDREDTH);
      const path = new Path2D();
      points.forEach(([x, y], i) => (i ? path.lineTo(x, y) : path.moveTo(x, y)));
      path.closePath();
      if (ctx.isPointInPath(path, px, py)) hits.push({ depth: depth.get(f.id), piece: f });
    }
    hits.sort((a, b) => b.depth - a.depth);
    return hits[0] || null;
  }

  // A piece on its floor, lifted by its stack height (z, in hundredths of a tile).
  drawFurniture(plan, f, tint = null) {
    drawPiece(this.ctx, this.origin, f, plan.height(f.x, f.y), (f.z || 0) * PX_PER_HUNDREDTH, tint);
  }

  drawAvatar(a, now) {
    const rest = a.pos.rest;
    if (rest && rest.can_lay) return this.drawLying(a, rest, now);
    const { sx: tileX, sy } = toScreen(this.origin, a.pos.x, a.pos.y, a.pos.z);
    const sx = tileX + (a.spread || 0);
    // Sitting: on the seat, its legs folded under it.
    const foot = sy + TILE_H / 2 - (rest ? seatHeight(rest) + (rest.z || 0) * PX_PER_HUNDREDTH - 14 : 0);
    const top = this.drawAvatarFigure(a, sx, foot, now, { sitting: Boolean(rest) });
    a.hit = { x0: sx - 16, y0: top - 16, x1: sx + 16, y1: foot + 4 };
    this.drawName(a, sx, top);
  }

  // Lying on a bed: the figure along the bed, its head on the pillow.
  drawLying(a, bed, now) {
    const { ctx } = this;
    const [w, l] = footprint(bed);
    const centre = toScreen(this.origin, bed.x + w / 2, bed.y + l / 2, a.pos.z);
    centre.sx += a.spread || 0;
    const top = centre.sy - seatHeight(bed, 1) - (bed.z || 0) * PX_PER_HUNDREDTH;
    // From feet to head on the screen: towards the pillow end (furniture.js backStrip).
    const [hx, hy] = { 0: [32, -16], 2: [-32, -16], 4: [-32, 16], 6: [32, 16] }[bed.rotation];
    ctx.save();
    ctx.translate(centre.sx, top);
    ctx.rotate(Math.atan2(hy, hx) + Math.PI / 2);
    this.drawAvatarFigure(a, 0, 34, now, { lying: true, dir: 3 });
    ctx.restore();
    a.hit = { x0: centre.sx - 30, y0: top - 30, x1: centre.sx + 30, y1: top + 20 };
    this.drawName(a, centre.sx, top - 24);
  }

  // The avatar's figure (figure.js) with its feet at (cx, foot); returns the top of its head.
  drawAvatarFigure(a, cx, foot, now, { sitting = false, lying = false, dir = a.dir } = {}) {
    return drawFigure(this.ctx, a.figure, cx, foot, { dir: dir ?? 2, walking: a.pos.walking, now, sitting, lying,
      waving: Boolean(a.waveUntil && now < a.waveUntil), dancing: a.dance || 0 });
  }

  drawName(a, cx, headTop) {
    const { ctx } = this;
    ctx.font = "bold 12px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#fffc";
    const y = headTop - 6 - (a.nameLift || 0);
    ctx.strokeText(a.name, cx, y);
    ctx.fillStyle = a.me ? "#1d4ed8" : "#111827";
    ctx.fillText(a.name, cx, y);
    ctx.lineWidth = 1;
    a.screen = { x: cx, y: y - 16 };
  }

  // Your own avatar: a small arrow bobbing over its name, as Habbo marks it.
  drawMarker(a, now) {
    const { ctx } = this;
    const x = a.screen.x;
    const tip = a.screen.y + 2 - Math.abs(Math.sin(now / 260)) * 5;
    ctx.beginPath();
    ctx.moveTo(x, tip);
    ctx.lineTo(x - 8, tip - 9);
    ctx.lineTo(x - 3, tip - 9);
    ctx.lineTo(x - 3, tip - 17);
    ctx.lineTo(x + 3, tip - 17);
    ctx.lineTo(x + 3, tip - 9);
    ctx.lineTo(x + 8, tip - 9);
    ctx.closePath();
    ctx.fillStyle = "#facc15";
    ctx.strokeStyle = "#713f12";
    ctx.lineWidth = 1.5;
    ctx.fill();
    ctx.stroke();
    ctx.lineWidth = 1;
    this.marker = { name: a.name, x, y: tip };
  }

}

// How high a seat's (or, share 1, a bed's) top is above its floor, in pixels.
function seatHeight(piece, share = 0.45) {
  return piece.height * PX_PER_HUNDREDTH * share;
}

// A piece is drawn at its footprint's centre's depth: behind whoever stands
// in front of it, in front of whoever stands behind; in a stack, the higher later.
function centreDepth(f) {
  const [w, l] = footprint(f);
  return f.x + (w - 1) / 2 + f.y + (l - 1) / 2 + 0.1 + (f.z || 0) / 1e6;
}

// Each piece's place in the painter's order (id → depth). A rug on the floor
// hides nothing but floor, so it comes before everything; a piece stacked on
// others comes after each of them, whatever their footprints (a lamp on a
// big table's back corner has a smaller centre than the table).
// Worked out once per furniture list (the room replaces the list on every change).
const depthsOf = new WeakMap();
function furnitureDepths(furniture) {
  if (depthsOf.has(furniture)) return depthsOf.get(furniture);
  const depth = new Map();
  const onTile = new Map(); // "x,y" → the pieces on it so far, lower ones first
  for (const f of [...furniture].sort((a, b) => (a.z || 0) - (b.z || 0))) {
    let d = centreDepth(f);
    if (f.can_walk_on && !f.z) d -= 1000;
    for (const tile of tilesOf(f).map(String)) {
      for (const g of onTile.get(tile) || []) if (topOf(g) <= (f.z || 0)) d = Math.max(d, depth.get(g.id) + 0.001);
    }
    depth.set(f.id, d);
    for (const tile of tilesOf(f).map(String)) onTile.set(tile, [...(onTile.get(tile) || []), f]);
  }
  depthsOf.set(furniture, depth);
  return depth;
}

// Avatars standing still on one tile (or lying on one bed) stand side by
// side on the screen, each visible and clickable (a.spread, in pixels), every
// other name a line higher so that the names stay readable (a.nameLift).
function spreadSharedTiles(avatars) {
  const groups = new Map();
  for (const a of avatars) {
    a.spread = 0;
    a.nameLift = 0;
    if (a.pos.walking) continue;
    const key = a.pos.rest?.can_lay ? `bed${a.pos.rest.id}` : `${Math.round(a.pos.x)},${Math.round(a.pos.y)}`;
    groups.set(key, [...(groups.get(key) || []), a]);
  }
  for (const group of groups.values()) {
    group.sort((a, b) => a.id - b.id);
    group.forEach((a, i) => {
      a.spread = (i - (group.length - 1) / 2) * SHARED_TILE_PX;
      a.nameLift = (i % 2) * 14;
    });
  }
}
