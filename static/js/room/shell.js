// The room's shell as Habbo draws it: the floor in the room's floor colour,
// with its edges' thickness towards the viewer, and walls along the back
// edges of the floor plan, following its outline, in the room's wallpaper,
// the door an opening in the wall.
import { shade } from "./furniture.js";
import { LEVEL_H, TILE_H, TILE_W } from "./iso.js";

const WALL_PX = 118; // from the highest floor to the top of the walls
const DOOR_PX = 80; // the door opening's height
const THICK = 0.2; // the walls' thickness, in tiles
const SLAB_PX = 8; // the floor's thickness at its open edges
const SKIRTING_PX = 5;
const PICTURE_PIXELS = 16e6; // the most the walls' and floor's picture may take

// A point at corner (u, v) of the plan, h pixels above the lowest floor.
function at(origin, u, v, h) {
  return [origin.x + (u - v) * (TILE_W / 2), origin.y + (u + v) * (TILE_H / 2) - h];
}

function fill(ctx, points, colour, stroke = null) {
  ctx.beginPath();
  points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.closePath();
  ctx.fillStyle = colour;
  ctx.fill();
  if (stroke) {
    ctx.strokeStyle = stroke;
    ctx.stroke();
  }
}

export class Shell {
  // plan: iso.js Plan; door: [x, y]; paint: {wallpaper, floor} (#rrggbb).
  constructor(plan, door, paint) {
    this.plan = plan;
    this.door = door;
    this.wallpaper = paint.wallpaper;
    this.floor = paint.floor;
    this.tiles = [];
    plan.forEachTile((x, y, z) => this.tiles.push([x, y, z]));
    this.tiles.sort((a, b) => a[0] + a[1] - (b[0] + b[1])); // back to front
    this.top = Math.max(...this.tiles.map(([, , z]) => z)) * LEVEL_H + WALL_PX;
    this.walls = this.backEdges();
    this.box = this.bounds();
    this.picture = null; // walls and floor drawn once (per pixel density), then copied each frame
  }

  // Walls, floor, and over them the hovered and marked tiles.
  draw(ctx, origin, ratio, { hover = null, marks = [] } = {}) {
    const { box } = this;
    const width = box.x1 - box.x0;
    const height = box.y1 - box.y0;
    if (!this.picture || this.picture.ratio !== ratio) {
      // A big room on a dense screen is kept at fewer pixels (a 64×64 room at one per point).
      const scale = Math.min(ratio, Math.max(1, Math.sqrt(PICTURE_PIXELS / (width * height))));
      const canvas = document.createElement("canvas");
      canvas.width = Math.ceil(width * scale);
      canvas.height = Math.ceil(height * scale);
      const c = canvas.getContext("2d");
      c.scale(scale, scale);
      const at0 = { x: -box.x0, y: -box.y0 };
      this.drawWalls(c, at0);
      this.drawFloor(c, at0);
      this.picture = { canvas, ratio };
    }
    ctx.drawImage(this.picture.canvas, origin.x + box.x0, origin.y + box.y0, width, height);
    const grid = shade(this.floor, -26);
    const lit = (x, y, colour) => {
      if (!this.plan.isTile(x, y)) return;
      const h = this.plan.height(x, y) * LEVEL_H;
      fill(ctx, [at(origin, x, y, h), at(origin, x + 1, y, h), at(origin, x + 1, y + 1, h), at(origin, x, y + 1, h)], colour, grid);
    };
    for (const { tiles, colour } of marks) for (const [x, y] of tiles) lit(x, y, colour);
    if (hover) lit(hover.x, hover.y, shade(this.floor, 34));
  }

  // A tile's -x edge is a wall ("left") when no tile lies further along -x
  // in its row, its -y edge ("right") when none lies further along -y in its
  // column; the door's wall (the left one if it has both) is its opening.
  backEdges() {
    const { plan, door } = this;
    const walls = [];
    const firstInColumn = new Set();
    for (let y = 0; y < plan.depth; y++) {
      let rowStarted = false;
      for (let x = 0; x < plan.width; x++) {
        if (!plan.isTile(x, y)) continue;
        const z = plan.height(x, y);
        if (!rowStarted) walls.push({ side: "left", x, y, z });
        if (!firstInColumn.has(x)) walls.push({ side: "right", x, y, z });
        rowStarted = true;
        firstInColumn.add(x);
      }
    }
    const has = new Set(walls.map((w) => `${w.side}${w.x},${w.y}`));
    const atDoor = door && (walls.find((w) => w.side === "left" && w.x === door[0] && w.y === door[1])
      || walls.find((w) => w.side === "right" && w.x === door[0] && w.y === door[1]));
    for (const w of walls) {
      w.door = w === atDoor;
      // Its front end shows its thickness unless another wall carries on from that corner.
      w.end = w.side === "left"
        ? !has.has(`left${w.x},${w.y + 1}`) && !has.has(`right${w.x - 1},${w.y + 1}`)
        : !has.has(`right${w.x + 1},${w.y}`) && !has.has(`left${w.x + 1},${w.y - 1}`);
    }
    return walls.sort((a, b) => a.x + a.y - (b.x + b.y));
  }

  // The room's picture around its origin, walls included: what the viewport centres.
  bounds() {
    const xs = [];
    const ys = [-this.top - TILE_H / 2]; // the walls' top edge is thicker than their corner
    for (const [x, y] of this.tiles) {
      xs.push((x - y - 1) * (TILE_W / 2), (x - y + 1) * (TILE_W / 2));
      ys.push((x + y + 2) * (TILE_H / 2) + SLAB_PX);
    }
    return { x0: Math.min(...xs) - TILE_W / 2, y0: Math.min(...ys), x1: Math.max(...xs) + TILE_W / 2, y1: Math.max(...ys) };
  }

  drawWalls(ctx, origin) {
    const left = this.wallpaper;
    const right = shade(this.wallpaper, -24);
    const cap = shade(this.wallpaper, 40);
    const end = shade(this.wallpaper, -44);
    const skirting = shade(this.wallpaper, -40);
    const top = this.top;
    for (const w of this.walls) {
      const base = w.z * LEVEL_H;
      // The wall's run from a to b (its back-left ... front corner), and a step into its thickness.
      const [a, b, back] = w.side === "left"
        ? [[w.x, w.y], [w.x, w.y + 1], [-THICK, 0]]
        : [[w.x, w.y], [w.x + 1, w.y], [0, -THICK]];
      const p = (c, h, t = 0) => at(origin, c[0] + back[0] * t, c[1] + back[1] * t, h);
      const face = w.side === "left" ? left : right;
      fill(ctx, [p(a, base), p(b, base), p(b, top), p(a, top)], face);
      fill(ctx, [p(a, base), p(b, base), p(b, base + SKIRTING_PX), p(a, base + SKIRTING_PX)], skirting);
      if (w.door) this.drawDoor(ctx, p, a, b, base);
      fill(ctx, [p(a, top), p(b, top), p(b, top, 1), p(a, top, 1)], cap);
      if (w.end) fill(ctx, [p(b, base - SLAB_PX), p(b, base - SLAB_PX, 1), p(b, top, 1), p(b, top)], end);
    }
  }

  // An opening in the wall from a to b: dark, with the wall's thickness at its sides and top.
  drawDoor(ctx, p, a, b, base) {
    const inset = 0.14;
    const along = (t) => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
    const [s, e] = [along(inset), along(1 - inset)];
    const hole = [p(s, base), p(e, base), p(e, base + DOOR_PX), p(s, base + DOOR_PX)];
    const [x0, y0] = hole[3];
    const gradient = ctx.createLinearGradient(x0, y0, x0, hole[0][1]);
    gradient.addColorStop(0, "#0b0d12");
    gradient.addColorStop(1, "#2a2f3a");
    fill(ctx, hole, gradient);
    // The reveal: the wall's thickness seen inside the opening, at its far side and top.
    fill(ctx, [p(s, base), p(s, base, 1), p(s, base + DOOR_PX, 1), p(s, base + DOOR_PX)], shade(this.wallpaper, -34));
    fill(ctx, [p(s, base + DOOR_PX), p(e, base + DOOR_PX), p(e, base + DOOR_PX, 1), p(s, base + DOOR_PX, 1)],
      shade(this.wallpaper, -52));
  }

  // The floor: its tiles (the door's a shade darker) and, towards the
  // viewer, its thickness down to the next tile or below the lowest floor.
  drawFloor(ctx, origin) {
    const { plan, door, floor } = this;
    const grid = shade(floor, -26);
    for (const [x, y, z] of this.tiles) {
      const h = z * LEVEL_H;
      const below = (nx, ny) => (plan.isTile(nx, ny) ? plan.height(nx, ny) * LEVEL_H : -SLAB_PX);
      const rightDrop = below(x + 1, y);
      if (rightDrop < h) fill(ctx, [at(origin, x + 1, y, h), at(origin, x + 1, y + 1, h), at(origin, x + 1, y + 1, rightDrop), at(origin, x + 1, y, rightDrop)], shade(floor, -48));
      const leftDrop = below(x, y + 1);
      if (leftDrop < h) fill(ctx, [at(origin, x, y + 1, h), at(origin, x + 1, y + 1, h), at(origin, x + 1, y + 1, leftDrop), at(origin, x, y + 1, leftDrop)], shade(floor, -30));
      const isDoor = door && door[0] === x && door[1] === y;
      const colour = isDoor ? shade(floor, -22) : (x + y) % 2 ? shade(floor, -5) : floor;
      fill(ctx, [at(origin, x, y, h), at(origin, x + 1, y, h), at(origin, x + 1, y + 1, h), at(origin, x, y + 1, h)], colour, grid);
    }
  }

  // For tests and tools: which walls there are and where the door is.
  summary() {
    const door = this.walls.find((w) => w.door);
    return {
      wallpaper: this.wallpaper,
      floor: this.floor,
      walls: { left: this.walls.filter((w) => w.side === "left").length, right: this.walls.filter((w) => w.side === "right").length },
      wallTiles: this.walls.map(({ side, x, y }) => ({ side, x, y })),
      door: door ? { x: door.x, y: door.y, side: door.side } : null,
    };
  }
}
