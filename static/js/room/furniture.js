// Furniture, drawn from its kind (look, footprint, height, colour, rotation):
// boxes in the room's isometric projection, no copied artwork. The room and
// the catalogue's and inventory's pictures both draw with drawPiece.
import { LEVEL_H, TILE_H, TILE_W } from "./iso.js";

export const PX_PER_HUNDREDTH = 0.32; // a block (height 100) is as tall as a tile is wide

// Where a point of the floor (u, v in tiles, from a tile's top corner) h
// pixels above a floor at level z is on the screen.
function at(origin, u, v, z, h) {
  return [origin.x + (u - v) * (TILE_W / 2), origin.y + (u + v) * (TILE_H / 2) - z * LEVEL_H - h];
}

// A colour #rrggbb lighter (amount > 0) or darker, as #rrggbb again.
export function shade(hex, amount) {
  const n = parseInt(hex.slice(1), 16);
  const c = (v) => Math.max(0, Math.min(255, v + amount)).toString(16).padStart(2, "0");
  return `#${c(n >> 16)}${c((n >> 8) & 255)}${c(n & 255)}`;
}

function poly(ctx, points, fill) {
  ctx.beginPath();
  points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.closePath();
  ctx.fillStyle = fill;
  ctx.fill();
  ctx.strokeStyle = "#0003";
  ctx.stroke();
}

// A box over [u0, u1] × [v0, v1] from h0 to h1 pixels: its two faces towards
// the viewer (+v on the left, +u on the right) and its top.
function box(ctx, origin, z, [u0, v0, u1, v1], h0, h1, colour) {
  const p = (u, v, h) => at(origin, u, v, z, h);
  poly(ctx, [p(u0, v1, h0), p(u1, v1, h0), p(u1, v1, h1), p(u0, v1, h1)], shade(colour, -35));
  poly(ctx, [p(u1, v0, h0), p(u1, v1, h0), p(u1, v1, h1), p(u1, v0, h1)], shade(colour, -18));
  poly(ctx, [p(u0, v0, h1), p(u1, v0, h1), p(u1, v1, h1), p(u0, v1, h1)], colour);
}

// The footprint on the floor: rotations 2 and 6 swap width and length.
export function footprint(piece) {
  const turned = piece.rotation === 2 || piece.rotation === 6;
  return turned ? [piece.length, piece.width] : [piece.width, piece.length];
}

// Whether a piece's footprint covers tile (x, y).
export function covers(piece, x, y) {
  const [w, l] = footprint(piece);
  return x >= piece.x && x < piece.x + w && y >= piece.y && y < piece.y + l;
}

// The tiles of a piece's footprint, as [x, y] pairs.
export function tilesOf(piece) {
  const [w, l] = footprint(piece);
  const tiles = [];
  for (let dx = 0; dx < w; dx++) for (let dy = 0; dy < l; dy++) tiles.push([piece.x + dx, piece.y + dy]);
  return tiles;
}

// The outline a piece covers on the screen (standing on a floor at level z,
// lifted `lift` pixels): its footprint's diamond drawn up to its height, as
// [x, y] points. For finding what a click is on.
export function outline(origin, piece, z = 0, lift = 0) {
  const [w, l] = footprint(piece);
  const [u0, v0, u1, v1] = [piece.x, piece.y, piece.x + w, piece.y + l];
  const top = lift + Math.max(3, piece.height * PX_PER_HUNDREDTH) + (piece.look === "bed" ? 5 : 0);
  const p = (u, v, h) => at(origin, u, v, z, h);
  return [p(u0, v1, lift), p(u1, v1, lift), p(u1, v0, lift), p(u1, v0, top), p(u0, v0, top), p(u0, v1, top)];
}

// The top of a piece, in hundredths of a tile above the floor.
export const topOf = (piece) => (piece.z || 0) + piece.height;

// Which way a seat or bed faces: 0 → +v (towards the viewer, left), 2 → +u, 4 → -v, 6 → -u.
// The avatar's direction (iso.js facing) when sitting on it.
export const SIT_DIRECTION = { 0: 3, 2: 1, 4: 7, 6: 5 };

// The strip of [u0, v0, u1, v1] along its back (opposite the way it faces), `depth` tiles deep.
function backStrip([u0, v0, u1, v1], rotation, depth) {
  return {
    0: [u0, v0, u1, v0 + depth],
    2: [u0, v0, u0 + depth, v1],
    4: [u0, v1 - depth, u1, v1],
    6: [u1 - depth, v0, u1, v1],
  }[rotation];
}

function inset([u0, v0, u1, v1], by) {
  return [u0 + by, v0 + by, u1 - by, v1 - by];
}

// The parts of a piece as boxes: [area, from h, to h, colour], drawn back to front.
function parts(piece) {
  const [w, l] = footprint(piece);
  const area = [piece.x, piece.y, piece.x + w, piece.y + l];
  const h = Math.max(2, piece.height * PX_PER_HUNDREDTH);
  const c = piece.colour;
  switch (piece.look) {
    case "rug":
      return [[inset(area, 0.04), 0, 3, c]];
    case "table": {
      const top = inset(area, 0.06);
      const legs = [[top[0], top[1]], [top[2] - 0.12, top[1]], [top[0], top[3] - 0.12], [top[2] - 0.12, top[3] - 0.12]];
      return [...legs.map(([u, v]) => [[u, v, u + 0.12, v + 0.12], 0, h - 5, shade(c, -25)]), [top, h - 5, h, c]];
    }
    case "chair":
    case "sofa": {
      const seat = inset(area, 0.12);
      const seatTop = h * 0.45;
      return [[seat, 0, seatTop, c], [backStrip(seat, piece.rotation, 0.22), seatTop, h, shade(c, -8)]];
    }
    case "bed": {
      const frame = inset(area, 0.06);
      const pillow = inset(backStrip(frame, piece.rotation, 0.4), 0.08);
      return [[frame, 0, h, c], [pillow, h, h + 5, "#f8fafc"]];
    }
    case "plant": {
      const pot = inset(area, 0.3);
      return [[pot, 0, h * 0.3, "#92400e"], [inset(area, 0.12), h * 0.3, h, c]];
    }
    case "lamp": {
      const stem = inset(area, 0.44);
      return [[inset(area, 0.3), 0, 4, "#334155"], [stem, 4, h * 0.7, "#475569"], [inset(area, 0.2), h * 0.7, h, c]];
    }
    case "divider":
      return [[backStrip(inset(area, 0.05), piece.rotation === 2 || piece.rotation === 6 ? 2 : 0, 0.18), 0, h, c]];
    default: // block, shelf
      return [[inset(area, 0.04), 0, h, c]];
  }
}

// Draw one piece standing on a floor at level z, lifted `lift` pixels (its
// stack height: piece.z * PX_PER_HUNDREDTH). `tint` draws it in one colour (a ghost).
export function drawPiece(ctx, origin, piece, z = 0, lift = 0, tint = null) {
  const boxes = parts(tint ? { ...piece, colour: tint } : piece).sort((a, b) => a[0][0] + a[0][1] - (b[0][0] + b[0][1]) || a[1] - b[1]);
  for (const [area, h0, h1, colour] of boxes) box(ctx, origin, z, area, h0 + lift, h1 + lift, tint && colour === "#f8fafc" ? shade(tint, 40) : colour);
}

// A picture of a kind of furniture on its own canvas (catalogue, inventory).
export function drawPicture(canvas, item, rotation = null) {
  const ctx = canvas.getContext("2d");
  const piece = { ...item, x: 0, y: 0, rotation: rotation ?? (item.rotations?.[0] ?? 0) };
  const [w, l] = footprint(piece);
  const scale = Math.min(1, canvas.width / ((w + l) * (TILE_W / 2) + 8), canvas.height / ((w + l) * (TILE_H / 2) + piece.height * PX_PER_HUNDREDTH + 12));
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.save();
  ctx.scale(scale, scale);
  const width = canvas.width / scale;
  const height = canvas.height / scale;
  const origin = { x: width / 2 - ((w - l) * TILE_W) / 4, y: height - (w + l) * (TILE_H / 2) - 6 };
  drawPiece(ctx, origin, piece);
  ctx.restore();
}
