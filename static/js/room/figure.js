// Draws an avatar (own drawing, no copied artwork): hair by style, a big
// friendly head, shirt with sleeves, trousers and shoes; standing, walking,
// sitting, lying, waving and four dances. Used by the room (renderer.js),
// the avatar card and the looks window. `figure` is docs/protocol.md's figure.

export const DANCES = { 1: "Disco", 2: "Sway", 3: "Jump", 4: "Robot" };

const INK = "#1f2937";
// How far each facing (iso.js facing(): 0 = screen right, clockwise) looks
// sideways on the screen; 1-3 face the viewer, 5-7 turn their back.
const SIDEWAYS = [1, 0.6, 0, -0.6, -1, -0.6, 0, 0.6];
// Sitting: which way the thighs point (towards where the avatar faces).
const THIGHS = [1, 1, 0, -1, -1, -1, 0, 1];
const HEAD_R = 12;

// A colour mixed towards black (amount < 0) or white (amount > 0).
export function shade(hex, amount) {
  const n = parseInt(hex.slice(1), 16);
  const to = amount < 0 ? 0 : 255;
  const a = Math.abs(amount);
  const mix = (c) => Math.round(c + (to - c) * a).toString(16).padStart(2, "0");
  return `#${mix(n >> 16)}${mix((n >> 8) & 255)}${mix(n & 255)}`;
}

// The figure with its feet at (cx, foot); returns the top of its head (hair included).
export function drawFigure(ctx, figure, cx, foot, { dir = 2, walking = false, now = 0, sitting = false,
  lying = false, waving = false, dancing = 0 } = {}) {
  const fig = { hair_style: "short", hair: "#6b4423", shoes: INK, ...figure };
  const p = pose({ walking, now, sitting, lying, waving, dancing: sitting || lying || walking ? 0 : dancing });
  const view = [5, 6, 7].includes(dir) ? "back" : dir === 0 || dir === 4 ? "side" : "front";
  const side = SIDEWAYS[dir] ?? 0;
  if (!sitting && !lying) shadow(ctx, cx, foot, p.lift);
  const x = cx + p.sway;
  const ground = foot - p.lift;
  const hip = ground - 22 - p.bob;
  const chest = hip - 24; // the top of the shirt
  const head = { x: x + side * 1.5, y: chest - 11, tilt: p.tilt };

  if (fig.hair_style === "long") longHairBehind(ctx, fig.hair, head, view);
  if (sitting) sittingLegs(ctx, fig, x, ground, THIGHS[dir] ?? 0);
  else legs(ctx, fig, x, ground, hip, p.stride, side);
  torso(ctx, fig, x, hip, chest, view);
  arm(ctx, fig, x - 10.5, chest + 4, -1, p.armL);
  arm(ctx, fig, x + 10.5, chest + 4, 1, p.armR);
  ctx.fillStyle = fig.skin; // the neck
  ctx.fillRect(head.x - 3, chest - 3, 6, 5);
  ctx.save();
  ctx.translate(head.x, head.y);
  ctx.rotate(head.tilt);
  face(ctx, fig, view, side);
  const top = hair(ctx, fig, view, side);
  ctx.restore();
  return head.y + top;
}

// Where the limbs are. Arms are [upper arm, forearm] angles from hanging
// straight down, positive outwards (away from the body).
function pose({ walking, now, sitting, lying, waving, dancing }) {
  const p = { lift: 0, bob: 0, sway: 0, stride: 0, tilt: 0, armL: [0.12, 0.08], armR: [0.12, 0.08] };
  if (walking) {
    const s = Math.sin(now / 90);
    p.bob = Math.abs(s) * 2;
    p.stride = s * 3;
    p.armL = [0.12 + s * 0.2, 0.08 + s * 0.25];
    p.armR = [0.12 - s * 0.2, 0.08 - s * 0.25];
  }
  if (sitting) p.armL = p.armR = [0.1, 0.9];
  if (dancing === 1) { // Disco: one arm points up and down with the beat, the other on the hip
    const t = now / 170;
    p.bob = Math.abs(Math.sin(t)) * 3;
    p.armR = Math.sin(t) > 0 ? [2.5, 2.75] : [0.9, 0.6];
    p.armL = [0.7, -0.9];
    p.tilt = Math.sin(t) * 0.06;
  } else if (dancing === 2) { // Sway: side to side, arms out like wings
    const t = now / 260;
    p.sway = Math.sin(t) * 3.5;
    p.tilt = Math.sin(t) * 0.12;
    p.armL = [1.2 + Math.sin(t) * 0.35, 1.7 + Math.sin(t) * 0.5];
    p.armR = [1.2 - Math.sin(t) * 0.35, 1.7 - Math.sin(t) * 0.5];
    p.stride = Math.sin(t) * 1.5;
  } else if (dancing === 3) { // Jump: both arms up, off the floor with the beat
    const t = now / 150;
    p.lift = Math.abs(Math.sin(t)) * 8;
    p.armL = p.armR = [2.65, 2.95 + Math.sin(t * 2) * 0.15];
  } else if (dancing === 4) { // Robot: stiff moves, a new one each beat
    const step = Math.floor(now / 320) % 4;
    p.sway = [-2, 0, 2, 0][step];
    p.tilt = [-0.1, 0, 0.1, 0][step];
    p.armL = [[0.2, 1.57], [0.2, 0.1], [1.57, 1.57], [0.2, 3.1]][step];
    p.armR = [[0.2, 0.1], [0.2, 1.57], [1.57, 1.57], [0.2, 3.1]][step];
    p.bob = step % 2;
  }
  if (waving) p.armR = [2.5, 2.9 + Math.sin(now / 80) * 0.35];
  if (lying) p.armL = p.armR = [0.12, 0.08];
  return p;
}

function shadow(ctx, cx, foot, lift) {
  ctx.fillStyle = "#0003";
  ctx.beginPath();
  ctx.ellipse(cx, foot, 14 - lift * 0.6, 6 - lift * 0.25, 0, 0, Math.PI * 2);
  ctx.fill();
}

function filled(ctx, colour, outline = shade(colour, -0.35)) {
  ctx.fillStyle = colour;
  ctx.fill();
  ctx.strokeStyle = outline;
  ctx.lineWidth = 1;
  ctx.stroke();
}

function shoe(ctx, colour, x, y, side) {
  ctx.beginPath();
  ctx.ellipse(x + side * 1.5, y - 2, 4.5, 3, 0, 0, Math.PI * 2);
  filled(ctx, colour, shade(colour === "#f8fafc" ? "#94a3b8" : colour, -0.45));
}

function legs(ctx, fig, x, ground, hip, stride, side) {
  for (const [dx, s] of [[-4, stride], [4, -stride]]) {
    const bottom = ground - 3 + Math.max(0, s);
    ctx.beginPath();
    ctx.roundRect(x + dx - 3.5, hip, 7, bottom - hip, 2);
    filled(ctx, fig.legs);
    shoe(ctx, fig.shoes, x + dx, bottom + 3, side);
  }
}

// Thighs along the seat towards where it faces, shins down from the knees.
function sittingLegs(ctx, fig, x, ground, forward) {
  ctx.beginPath();
  ctx.roundRect(x - 8 + Math.min(0, forward * 9), ground - 22, 16 + Math.abs(forward * 9), 8, 3);
  filled(ctx, fig.legs);
  for (const dx of [-4, 4]) {
    const knee = x + dx + forward * 9;
    ctx.beginPath();
    ctx.roundRect(knee - 3.5, ground - 16, 7, 13, 2);
    filled(ctx, fig.legs);
    shoe(ctx, fig.shoes, knee, ground, forward);
  }
}

function torso(ctx, fig, x, hip, chest, view) {
  ctx.beginPath();
  ctx.roundRect(x - 10, chest, 20, hip - chest + 3, [7, 7, 4, 4]);
  filled(ctx, fig.shirt);
  ctx.fillStyle = shade(fig.shirt, -0.12); // the hem
  ctx.fillRect(x - 9.5, hip - 1, 19, 3.5);
  if (view !== "back") { // the collar
    ctx.fillStyle = fig.skin;
    ctx.beginPath();
    ctx.moveTo(x - 4, chest);
    ctx.lineTo(x + 4, chest);
    ctx.lineTo(x, chest + 5);
    ctx.closePath();
    ctx.fill();
  }
}

// A sleeve in the shirt's colour, then the forearm and the hand.
function arm(ctx, fig, sx, sy, out, [upper, fore]) {
  const ex = sx + out * Math.sin(upper) * 9;
  const ey = sy + Math.cos(upper) * 9;
  const hx = ex + out * Math.sin(fore) * 8;
  const hy = ey + Math.cos(fore) * 8;
  ctx.lineCap = "round";
  for (const [from, to, colour, width] of [[[ex, ey], [hx, hy], fig.skin, 4.5], [[sx, sy], [ex, ey], fig.shirt, 6.5]]) {
    ctx.beginPath();
    ctx.moveTo(...from);
    ctx.lineTo(...to);
    ctx.strokeStyle = shade(colour, -0.35);
    ctx.lineWidth = width + 2;
    ctx.stroke();
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.stroke();
  }
  ctx.beginPath();
  ctx.arc(hx, hy, 3, 0, Math.PI * 2);
  filled(ctx, fig.skin);
  ctx.lineCap = "butt";
}

// The head at (0, 0): ears, face, eyes and a smile (none from behind).
function face(ctx, fig, view, side) {
  const ear = (ex) => {
    ctx.beginPath();
    ctx.ellipse(ex, 1, 3, 3.5, 0, 0, Math.PI * 2);
    filled(ctx, fig.skin);
  };
  if (view !== "side") [-HEAD_R, HEAD_R].forEach(ear);
  ctx.beginPath();
  ctx.ellipse(0, 0, HEAD_R + 0.5, HEAD_R, 0, 0, Math.PI * 2);
  filled(ctx, fig.skin);
  if (view === "side") ear(-side * 2.5);
  if (view === "back") return;
  const fx = side * (view === "side" ? 6 : 3.5);
  const eyes = view === "side" ? [fx + side] : [fx - 4.5, fx + 4.5];
  for (const ex of eyes) {
    ctx.fillStyle = "#fff";
    ctx.beginPath();
    ctx.ellipse(ex, 1, 2.4, 2.9, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = INK;
    ctx.beginPath();
    ctx.ellipse(ex + side * 0.6, 1.4, 1.5, 2, 0, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.fillStyle = "#f472b655"; // cheeks
  for (const ex of view === "side" ? [fx - side * 2] : [fx - 7, fx + 7]) {
    ctx.beginPath();
    ctx.arc(ex, 5, 2.3, 0, Math.PI * 2);
    ctx.fill();
  }
  if (view === "side") { // the nose
    ctx.beginPath();
    ctx.arc(side * 12, 3, 1.6, 0, Math.PI * 2);
    filled(ctx, fig.skin);
  }
  ctx.strokeStyle = shade(fig.skin, -0.6);
  ctx.lineWidth = 1.3;
  ctx.beginPath();
  ctx.arc(fx + (view === "side" ? side * 2 : 0), 4.5, 3, 0.2 * Math.PI, 0.8 * Math.PI);
  ctx.stroke();
}

// Long hair: the part that falls behind the head and over the shoulders.
function longHairBehind(ctx, colour, head, view) {
  if (view === "back") return; // drawn over the head instead (hair())
  ctx.beginPath();
  ctx.roundRect(head.x - 14.5, head.y - 6, 29, 26, [10, 10, 6, 6]);
  filled(ctx, colour);
}

// The hair (or cap) over the head at (0, 0); returns how far above the centre it reaches.
function hair(ctx, fig, view, side) {
  const style = fig.hair_style;
  const colour = fig.hair;
  if (style === "none") {
    ctx.fillStyle = "#ffffff40"; // a shine on the bald head
    ctx.beginPath();
    ctx.ellipse(-4 + side * 2, -7, 4, 2.5, -0.4, 0, Math.PI * 2);
    ctx.fill();
    return -HEAD_R;
  }
  if (style === "cap") return cap(ctx, colour, view, side);
  const r = HEAD_R + 1.5;
  ctx.beginPath();
  if (view === "back") {
    const down = style === "long" ? 22 : 7;
    ctx.moveTo(-r, down);
    crown(ctx, r, style);
    ctx.lineTo(r, down);
    ctx.quadraticCurveTo(0, down + 4, -r, down);
  } else {
    // The top of the head, then a fringe across the forehead (parted towards where it looks).
    const part = side * 4;
    const sideburn = style === "long" ? 16 : 2;
    ctx.moveTo(-r, sideburn);
    crown(ctx, r, style);
    ctx.lineTo(r, sideburn);
    ctx.lineTo(r - 3.5, sideburn);
    if (style === "spiky") {
      for (let i = 3; i >= -3; i--) ctx.lineTo(part + i * 3, i % 2 ? -2 : -6);
    } else {
      ctx.quadraticCurveTo(r - 3, -6, part + 2, -6.5);
      ctx.quadraticCurveTo(-r + 4, -8, -r + 3.5, 0);
    }
    ctx.lineTo(-r + 3.5, sideburn);
  }
  ctx.closePath();
  filled(ctx, colour);
  if (style === "bun") return bun(ctx, colour, view);
  return style === "spiky" ? -r - 9 : -r - 1;
}

// The outline over the top of the head, left to right: round, or in spikes
// (the middle ones the tallest).
function crown(ctx, r, style) {
  if (style !== "spiky") return ctx.arc(0, -1, r, Math.PI, 0);
  const points = 14;
  for (let k = 0; k <= points; k++) {
    const a = Math.PI + (k / points) * Math.PI;
    const reach = k % 2 ? r + 2 + 7 * Math.sin(a - Math.PI) : r;
    ctx.lineTo(Math.cos(a) * reach, Math.sin(a) * reach - 1);
  }
}

function bun(ctx, colour, view) {
  const y = view === "back" ? -10 : -16;
  ctx.beginPath();
  ctx.arc(0, y, 6.5, 0, Math.PI * 2);
  filled(ctx, colour);
  ctx.strokeStyle = shade(colour, -0.4); // the band
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.arc(0, y + 5, 3.2, 0.15 * Math.PI, 0.85 * Math.PI);
  ctx.stroke();
  return y - 7;
}

// A cap in the hair colour with its peak towards where the avatar looks.
function cap(ctx, colour, view, side) {
  const r = HEAD_R + 1.5;
  const rim = view === "back" ? 0 : -3.5; // the cap sits lower at the back
  ctx.beginPath();
  ctx.moveTo(-r, rim);
  ctx.arc(0, -3.5, r, Math.PI, 0);
  ctx.lineTo(r, rim);
  ctx.closePath();
  filled(ctx, colour);
  ctx.fillStyle = shade(colour, -0.2); // the band
  ctx.fillRect(-r + 0.5, rim - 3, 2 * r - 1, 3);
  ctx.beginPath(); // the button on top
  ctx.arc(0, -3.5 - r, 2, 0, Math.PI * 2);
  filled(ctx, colour);
  if (view !== "back") { // the peak, out over the forehead
    ctx.beginPath();
    if (view === "side") ctx.ellipse(side * (r + 2), rim, 9, 3, 0, 0, Math.PI);
    else ctx.ellipse(side * 3, rim, 12.5, 4, 0, 0, Math.PI);
    ctx.closePath();
    filled(ctx, shade(colour, -0.25));
  }
  return -3.5 - r - 2;
}
