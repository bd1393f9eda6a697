// Isometric geometry: tile (x, y, height) ⇄ screen pixels.
export const TILE_W = 64;
export const TILE_H = 32;
export const LEVEL_H = 16; // pixels per height level
export const STEP_MS = 500; // one tile every 500 ms, as the server walks

export function toScreen(origin, x, y, z = 0) {
  return {
    sx: origin.x + (x - y) * (TILE_W / 2),
    sy: origin.y + (x + y) * (TILE_H / 2) - z * LEVEL_H,
  };
}

function inDiamond(px, py, cx, cy) {
  return Math.abs(px - cx) / (TILE_W / 2) + Math.abs(py - cy) / (TILE_H / 2) <= 1;
}

// The tile under a screen point: the front-most tile whose diamond holds it.
export function tileAt(plan, origin, px, py) {
  let best = null;
  plan.forEachTile((x, y, z) => {
    const { sx, sy } = toScreen(origin, x, y, z);
    if (inDiamond(px, py, sx, sy + TILE_H / 2) && (!best || x + y >= best.x + best.y)) best = { x, y };
  });
  return best;
}

export class Plan {
  constructor(rows) {
    this.rows = rows;
    this.depth = rows.length;
    this.width = rows[0].length;
  }
  isTile(x, y) {
    return y >= 0 && y < this.depth && x >= 0 && x < this.width && this.rows[y][x] !== "x";
  }
  height(x, y) {
    return this.isTile(x, y) ? Number(this.rows[y][x]) : 0;
  }
  forEachTile(fn) {
    for (let y = 0; y < this.depth; y++)
      for (let x = 0; x < this.width; x++) if (this.isTile(x, y)) fn(x, y, this.height(x, y));
  }
}

// Eight facing directions, 0 = towards +x/-y (screen up-right), clockwise.
export function facing(dx, dy) {
  const table = { "1,-1": 0, "1,0": 1, "1,1": 2, "0,1": 3, "-1,1": 4, "-1,0": 5, "-1,-1": 6, "0,-1": 7 };
  return table[`${Math.sign(dx)},${Math.sign(dy)}`] ?? 2;
}

// Where an avatar is at server time t along {path, started_at}: x, y, z and direction.
export function positionAt(plan, walk, t) {
  const { path, started_at: start } = walk;
  const elapsed = Math.max(0, t - start) / STEP_MS;
  const i = Math.min(Math.floor(elapsed), path.length - 1);
  if (i >= path.length - 1) {
    const [x, y] = path[path.length - 1];
    const prev = path.length > 1 ? path[path.length - 2] : null;
    return { x, y, z: plan.height(x, y), walking: false, dir: prev ? facing(x - prev[0], y - prev[1]) : null };
  }
  const f = elapsed - i;
  const [ax, ay] = path[i];
  const [bx, by] = path[i + 1];
  const za = plan.height(ax, ay);
  const zb = plan.height(bx, by);
  return { x: ax + (bx - ax) * f, y: ay + (by - ay) * f, z: za + (zb - za) * f, walking: true, dir: facing(bx - ax, by - ay) };
}
