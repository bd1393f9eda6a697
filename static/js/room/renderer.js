// Draws the room on a canvas: tiles, furniture, avatars (own drawing, no
// copied artwork), names and chat bubbles. Text is drawn as text.
import { PX_PER_HUNDREDTH, drawPiece, footprint, outline, tilesOf, topOf } from "./furniture.js";
import { LEVEL_H, TILE_H, TILE_W, toScreen } from "./iso.js";

const BUBBLE_MS = 9000;

export class Renderer {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
  }

  layout(plan) {
    const w = (plan.width + plan.depth) * (TILE_W / 2);
    const h = (plan.width + plan.depth) * (TILE_H / 2) + 10 * LEVEL_H + 140;
    this.canvas.width = Math.max(w + 80, 480);
    this.canvas.height = h;
    this.origin = { x: plan.depth * (TILE_W / 2) + 40, y: 130 };
  }

  // scene: plan, door, furniture, avatars, now, hover (a tile), and while
  // furnishing: marks (tiles to colour: {tiles, colour}), hidden (a piece id
  // not drawn: the one being moved) and ghost ({piece, tint}, drawn see-through on top).
  draw(scene) {
    const { ctx } = this;
    this.scene = scene;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.drawFloor(scene.plan, scene.door, scene.hover, scene.marks || []);
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
    scene.avatars.forEach((a) => this.drawBubbles(a, scene.now));
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

  diamond(sx, sy) {
    const { ctx } = this;
    ctx.beginPath();
    ctx.moveTo(sx, sy);
    ctx.lineTo(sx + TILE_W / 2, sy + TILE_H / 2);
    ctx.lineTo(sx, sy + TILE_H);
    ctx.lineTo(sx - TILE_W / 2, sy + TILE_H / 2);
    ctx.closePath();
  }

  drawFloor(plan, door, hover, marks) {
    const marked = new Map();
    for (const { tiles, colour } of marks) for (const [x, y] of tiles) marked.set(`${x},${y}`, colour);
    const { ctx } = this;
    plan.forEachTile((x, y, z) => {
      const { sx, sy } = toScreen(this.origin, x, y, z);
      if (z > 0) {
        // the riser below a raised tile
        ctx.fillStyle = "#6b7280";
        ctx.beginPath();
        ctx.moveTo(sx - TILE_W / 2, sy + TILE_H / 2);
        ctx.lineTo(sx, sy + TILE_H);
        ctx.lineTo(sx + TILE_W / 2, sy + TILE_H / 2);
        ctx.lineTo(sx + TILE_W / 2, sy + TILE_H / 2 + z * LEVEL_H);
        ctx.lineTo(sx, sy + TILE_H + z * LEVEL_H);
        ctx.lineTo(sx - TILE_W / 2, sy + TILE_H / 2 + z * LEVEL_H);
        ctx.closePath();
        ctx.fill();
      }
      this.diamond(sx, sy);
      const isDoor = door && door[0] === x && door[1] === y;
      ctx.fillStyle = isDoor ? "#fbbf24" : (x + y) % 2 ? "#a8a29e" : "#b8b2ad";
      if (hover && hover.x === x && hover.y === y) ctx.fillStyle = "#fde68a";
      if (marked.has(`${x},${y}`)) ctx.fillStyle = marked.get(`${x},${y}`);
      ctx.fill();
      ctx.strokeStyle = "#78716c";
      ctx.stroke();
    });
  }

  // A piece on its floor, lifted by its stack height (z, in hundredths of a tile).
  drawFurniture(plan, f, tint = null) {
    drawPiece(this.ctx, this.origin, f, plan.height(f.x, f.y), (f.z || 0) * PX_PER_HUNDREDTH, tint);
  }

  drawAvatar(a, now) {
    const rest = a.pos.rest;
    if (rest && rest.can_lay) return this.drawLying(a, rest, now);
    const { sx, sy } = toScreen(this.origin, a.pos.x, a.pos.y, a.pos.z);
    // Sitting: on the seat, its legs folded under it.
    const foot = sy + TILE_H / 2 - (rest ? seatHeight(rest) + (rest.z || 0) * PX_PER_HUNDREDTH - 14 : 0);
    const top = this.drawFigure(a, sx, foot, now, { sitting: Boolean(rest) });
    a.hit = { x0: sx - 16, y0: top - 16, x1: sx + 16, y1: foot + 4 };
    this.drawName(a, sx, top);
  }

  // Lying on a bed: the figure along the bed, its head on the pillow.
  drawLying(a, bed, now) {
    const { ctx } = this;
    const [w, l] = footprint(bed);
    const centre = toScreen(this.origin, bed.x + w / 2, bed.y + l / 2, a.pos.z);
    const top = centre.sy - seatHeight(bed, 1) - (bed.z || 0) * PX_PER_HUNDREDTH;
    // From feet to head on the screen: towards the pillow end (furniture.js backStrip).
    const [hx, hy] = { 0: [32, -16], 2: [-32, -16], 4: [-32, 16], 6: [32, 16] }[bed.rotation];
    ctx.save();
    ctx.translate(centre.sx, top);
    ctx.rotate(Math.atan2(hy, hx) + Math.PI / 2);
    this.drawFigure({ ...a, dir: 3 }, 0, 34, now, { lying: true });
    ctx.restore();
    a.hit = { x0: centre.sx - 30, y0: top - 30, x1: centre.sx + 30, y1: top + 20 };
    this.drawName(a, centre.sx, top - 24);
  }

  // The figure with its feet at (cx, foot); returns the top of its head.
  drawFigure(a, cx, foot, now, { sitting = false, lying = false } = {}) {
    const { ctx } = this;
    const bob = a.pos.walking ? Math.abs(Math.sin(now / 90)) * 2 : 0;
    const fig = a.figure;
    if (!sitting && !lying) {
      ctx.fillStyle = "#0003";
      ctx.beginPath();
      ctx.ellipse(cx, foot, 14, 6, 0, 0, Math.PI * 2);
      ctx.fill();
    }
    // legs (sitting: thighs forward, towards where it faces)
    ctx.fillStyle = fig.legs;
    if (sitting) {
      const forward = [1, 1, 0, -1, -1, -1, 0, 1][a.dir ?? 3];
      ctx.fillRect(cx - 7 + Math.min(0, forward * 8), foot - 22, 14 + Math.abs(forward * 8), 8);
      ctx.fillRect(cx - 7 + forward * 10, foot - 16, 14, 14);
    } else {
      const stride = a.pos.walking ? Math.sin(now / 90) * 3 : 0;
      ctx.fillRect(cx - 7, foot - 22 - bob, 6, 22 + stride);
      ctx.fillRect(cx + 1, foot - 22 - bob, 6, 22 - stride);
    }
    // body
    ctx.fillStyle = fig.shirt;
    roundRect(ctx, cx - 10, foot - 48 - bob, 20, 28, 5);
    ctx.fill();
    // arms (one raised while waving)
    ctx.fillStyle = fig.skin;
    const waving = a.waveUntil && now < a.waveUntil;
    ctx.fillRect(cx - 14, foot - 46 - bob, 4, 20);
    if (waving) ctx.fillRect(cx + 10, foot - 66 - bob + Math.sin(now / 80) * 3, 4, 20);
    else ctx.fillRect(cx + 10, foot - 46 - bob, 4, 20);
    // head, with eyes towards the facing direction
    ctx.beginPath();
    ctx.arc(cx, foot - 58 - bob, 11, 0, Math.PI * 2);
    ctx.fill();
    const dir = a.dir ?? 2;
    const angle = [-0.46, 0.0, 0.46, 1.57, 2.68, 3.14, 3.6, -1.57][dir];
    const ex = Math.cos(angle) * 5;
    const ey = Math.sin(angle) * 2;
    if (dir !== 6 && dir !== 7 && dir !== 0) {
      ctx.fillStyle = "#111827";
      ctx.fillRect(cx + ex - 4, foot - 60 - bob + ey, 2, 3);
      ctx.fillRect(cx + ex + 2, foot - 60 - bob + ey, 2, 3);
    }
    return foot - 70 - bob;
  }

  drawName(a, cx, headTop) {
    const { ctx } = this;
    ctx.font = "bold 12px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.lineWidth = 3;
    ctx.strokeStyle = "#fffc";
    ctx.strokeText(a.name, cx, headTop - 6);
    ctx.fillStyle = a.me ? "#1d4ed8" : "#111827";
    ctx.fillText(a.name, cx, headTop - 6);
    ctx.lineWidth = 1;
    a.screen = { x: cx, y: headTop - 22 };
  }

  drawBubbles(a, now) {
    const { ctx } = this;
    if (!a.screen) return;
    let y = a.screen.y;
    for (const b of [...a.bubbles].reverse()) {
      const age = now - b.shownAt;
      if (age > BUBBLE_MS) continue;
      const rise = Math.min(age / 60, 12);
      ctx.font = `${b.kind === "shout" ? "bold " : ""}13px system-ui, sans-serif`;
      const label = b.kind === "whisper" ? `(whisper) ${b.text}` : b.text;
      const w = ctx.measureText(label).width + 16;
      ctx.globalAlpha = age > BUBBLE_MS - 1000 ? (BUBBLE_MS - age) / 1000 : 1;
      ctx.fillStyle = b.kind === "whisper" ? "#e0e7ff" : b.kind === "shout" ? "#fef3c7" : "#ffffff";
      roundRect(ctx, a.screen.x - w / 2, y - 22 - rise, w, 20, 8);
      ctx.fill();
      ctx.strokeStyle = "#334155";
      ctx.stroke();
      ctx.fillStyle = "#0f172a";
      ctx.textAlign = "center";
      ctx.fillText(label, a.screen.x, y - 8 - rise);
      ctx.globalAlpha = 1;
      y -= 24;
    }
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

function roundRect(ctx, x, y, w, h, r) {
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, r);
}
