// Chat as Habbo shows it: each line a bubble (the speaker's name, then the
// text wrapped to a maximum width) in one stream over the room. A new bubble
// comes in at the stream's foot, above its speaker, and pushes the older
// ones up; the stream also rises slowly, and a bubble fades away after a
// while or at the top of the canvas. The bubbles share one column of
// heights, so they never cover each other, and each is kept inside the canvas.
import { shade } from "./furniture.js";

const MAX_TEXT_W = 236; // the widest a bubble's text runs before wrapping
const PAD_X = 9;
const PAD_Y = 5;
const GAP = 4; // between two bubbles of the stream
const TAIL = 6; // the little point under a bubble, towards its speaker
const MARGIN = 6; // from the canvas's edges
const RISE_PX_S = 7; // how fast the stream drifts up
const LIFE_MS = 14000;
const FADE_MS = 1500;
const FADE_TOP_PX = 28; // a bubble fades out over this distance under the canvas's top

const STYLE = {
  say: { size: 13, weight: "", slant: "", line: 17, fill: "#ffffff", ink: "#111827", edge: "#1f2937" },
  shout: { size: 15, weight: "bold ", slant: "", line: 19, fill: "#ffffff", ink: "#111827", edge: "#111827" },
  whisper: { size: 13, weight: "", slant: "italic ", line: 17, fill: "#e6e9f5", ink: "#4b5563", edge: "#6b7280" },
};
const FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif";

const font = (style, bold = false) => `${style.slant}${bold || style.weight ? "bold " : ""}${style.size}px ${FONT}`;

// Words into lines no wider than `width`, the first line starting after
// `indent` (the name); a word too long for a line is cut where it must be.
export function wrap(ctx, text, width, indent) {
  const lines = [];
  let line = "";
  let room = width - indent;
  const push = () => {
    lines.push(line);
    line = "";
    room = width;
  };
  for (const word of text.split(/(\s+)/).filter(Boolean)) {
    const candidate = line + word;
    if (ctx.measureText(candidate).width <= room) {
      line = candidate;
      continue;
    }
    if (/^\s+$/.test(word)) {
      if (line) push();
      continue;
    }
    if (line) push();
    let rest = word;
    while (ctx.measureText(rest).width > room) {
      let cut = 1;
      while (cut < rest.length && ctx.measureText(rest.slice(0, cut + 1)).width <= room) cut += 1;
      line = rest.slice(0, cut);
      push();
      rest = rest.slice(cut);
    }
    line = rest;
  }
  lines.push(line.trimEnd());
  return lines;
}

export class ChatStream {
  constructor() {
    this.bubbles = []; // oldest first
    this.seen = new WeakSet(); // the avatars' bubble records already in the stream
    this.lift = 0; // how far the stream has risen (pixels), pushes included
    this.shown = 0; // how far it shows risen: eases towards lift, so a push slides
    this.at = null; // when the stream last moved
    this.rects = [];
  }

  // Take in the lines the avatars said since the last frame (room.js adds
  // them to each avatar's `bubbles`), each above its speaker as it is now.
  collect(ctx, avatars, origin) {
    const fresh = [];
    for (const a of avatars) {
      for (const b of a.bubbles || []) {
        if (this.seen.has(b)) continue;
        this.seen.add(b);
        if (a.screen) fresh.push({ b, a });
      }
    }
    fresh.sort((p, q) => p.b.shownAt - q.b.shownAt);
    for (const { b, a } of fresh) this.add(ctx, a, b, origin);
  }

  add(ctx, a, b, origin) {
    const style = STYLE[b.kind] || STYLE.say;
    const name = b.kind === "whisper" ? `${a.name} whispers: ` : `${a.name}: `;
    ctx.font = font(style, true);
    const nameW = ctx.measureText(name).width;
    ctx.font = font(style);
    const lines = wrap(ctx, b.text, MAX_TEXT_W, nameW);
    const textW = Math.max(nameW + ctx.measureText(lines[0]).width, ...lines.slice(1).map((l) => ctx.measureText(l).width));
    const w = Math.ceil(textW + PAD_X * 2 + 16);
    const h = lines.length * style.line + PAD_Y * 2 + TAIL;
    // Push the stream up just enough that the newest bubble clears this one.
    const last = this.bubbles[this.bubbles.length - 1];
    if (last) this.lift += Math.max(0, h + GAP - (this.lift - last.base));
    this.bubbles.push({
      user: a.id, name, kind: b.kind in STYLE ? b.kind : "say", text: b.text, lines, w, h, nameW,
      // Where its speaker stood, on the room (it pans with the room), and the speaker's colours.
      anchor: a.screen.x - origin.x, colours: a.figure,
      base: this.lift, shownAt: b.shownAt, born: performance.now(),
    });
  }

  // The stream's foot: a third of the way down the canvas, above the room's middle.
  foot(height) {
    return Math.max(60, Math.round(height * 0.34));
  }

  draw(ctx, view, now) {
    const t = performance.now();
    if (this.at !== null) this.lift += ((t - this.at) / 1000) * RISE_PX_S;
    // Pushes slide in over a moment; the drift is followed as it is.
    this.shown = this.at === null ? this.lift : this.shown + (this.lift - this.shown) * Math.min(1, (t - this.at) / 120);
    this.at = t;
    const foot = Math.min(this.foot(view.height), view.height - MARGIN);
    this.rects = [];
    this.bubbles = this.bubbles.filter((b) => {
      const age = now - b.shownAt;
      const bottom = foot - (this.shown - b.base);
      const top = bottom - b.h;
      if (age > LIFE_MS || top < 0) return false;
      const x = Math.max(MARGIN, Math.min(view.width - MARGIN - b.w, view.origin.x + b.anchor - b.w / 2));
      const alpha = Math.min(1, (LIFE_MS - age) / FADE_MS, top / FADE_TOP_PX);
      this.drawBubble(ctx, b, x, top, view.origin.x + b.anchor, Math.max(0, alpha));
      this.rects.push({ user: b.user, kind: b.kind, text: b.text, lines: b.lines.length, x, y: top, w: b.w, h: b.h });
      return true;
    });
  }

  drawBubble(ctx, b, x, y, speakerX, alpha) {
    const style = STYLE[b.kind];
    const body = b.h - TAIL;
    ctx.save();
    ctx.globalAlpha = alpha;
    // The body and its point (towards the speaker, kept within the body's width).
    const tip = Math.max(x + 10, Math.min(x + b.w - 10, speakerX));
    ctx.beginPath();
    ctx.roundRect(x + 0.5, y + 0.5, b.w - 1, body - 1, 7);
    ctx.fillStyle = style.fill;
    ctx.strokeStyle = style.edge;
    ctx.lineWidth = b.kind === "shout" ? 2 : 1;
    ctx.fill();
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(tip - 5, y + body - 1);
    ctx.lineTo(tip, y + b.h);
    ctx.lineTo(tip + 5, y + body - 1);
    ctx.fill();
    ctx.stroke();
    ctx.fillRect(tip - 4, y + body - 2.5, 8, 2.5); // covers the body's edge under the point
    // The speaker's little face at the start.
    const face = (b.colours && b.colours.skin) || "#f2c8a0";
    ctx.fillStyle = (b.colours && b.colours.shirt) || "#3b82f6";
    ctx.beginPath();
    ctx.arc(x + PAD_X + 5, y + PAD_Y + style.line / 2, 6, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = face;
    ctx.beginPath();
    ctx.arc(x + PAD_X + 5, y + PAD_Y + style.line / 2 - 1, 4, 0, Math.PI * 2);
    ctx.fill();
    // Name (bold) and text, as text.
    const left = x + PAD_X + 16;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    b.lines.forEach((line, i) => {
      const ly = y + PAD_Y + style.line * i + style.line / 2 + 0.5;
      if (i === 0) {
        ctx.font = font(style, true);
        ctx.fillStyle = b.kind === "whisper" ? shade(style.ink, -20) : style.ink;
        ctx.fillText(b.name, left, ly);
      }
      ctx.font = font(style);
      ctx.fillStyle = style.ink;
      ctx.fillText(line, left + (i === 0 ? b.nameW : 0), ly);
    });
    ctx.restore();
  }
}
