// The room canvas as a window onto the room: it fills its parent (the
// stage), sharp on high-density screens, with the room centred in it; a drag
// (mouse, pen or finger) pans the room, and a click or tap that did not
// drag still reaches the room's click handler. Drawing happens in CSS pixels
// of the canvas ("canvas points"); fromClient/toClient convert to the page.

const DRAG_PX = 6; // further than this between press and release is a drag, not a click
const KEEP_PX = 96; // how much of the room a pan must leave in view

export class Viewport {
  constructor(canvas) {
    this.canvas = canvas;
    this.width = 0;
    this.height = 0;
    this.ratio = 1;
    this.bounds = null; // the room's picture, relative to its origin: {x0, y0, x1, y1}
    this.pan = { x: 0, y: 0 };
    this.origin = { x: 0, y: 0 };
    this.dragging = false;
    this.fit();
    new ResizeObserver(() => this.fit()).observe(canvas.parentElement);
    window.addEventListener("resize", () => this.fit());
    this.listen();
  }

  // Match the canvas to its parent's size (and the screen's pixel density).
  // True if anything changed.
  fit() {
    const parent = this.canvas.parentElement;
    const width = parent.clientWidth;
    const height = parent.clientHeight;
    const ratio = Math.min(window.devicePixelRatio || 1, 3);
    if (width === this.width && height === this.height && ratio === this.ratio) return false;
    Object.assign(this, { width, height, ratio });
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    this.place();
    return true;
  }

  // A new room: its picture's extent around its origin; the pan starts afresh.
  show(bounds) {
    this.bounds = bounds;
    this.pan = { x: 0, y: 0 };
    this.place();
  }

  place() {
    const b = this.bounds || { x0: 0, y0: 0, x1: 0, y1: 0 };
    // Never panned so far that the room leaves the canvas (nor further than the room is wide).
    const keepX = Math.min(KEEP_PX, (b.x1 - b.x0) / 2);
    const keepY = Math.min(KEEP_PX, (b.y1 - b.y0) / 2);
    const cx = Math.round(this.width / 2 - (b.x0 + b.x1) / 2);
    const cy = Math.round(this.height / 2 - (b.y0 + b.y1) / 2);
    const limitX = Math.max(0, (this.width + b.x1 - b.x0) / 2 - keepX);
    const limitY = Math.max(0, (this.height + b.y1 - b.y0) / 2 - keepY);
    this.pan.x = Math.max(-limitX, Math.min(limitX, this.pan.x));
    this.pan.y = Math.max(-limitY, Math.min(limitY, this.pan.y));
    this.origin = { x: cx + Math.round(this.pan.x), y: cy + Math.round(this.pan.y) };
  }

  // Ready to draw in canvas points: the context scaled to the screen, cleared.
  begin(ctx) {
    this.fit();
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
  }

  fromClient(clientX, clientY) {
    const r = this.canvas.getBoundingClientRect();
    return [(clientX - r.left) * (this.width / r.width || 1), (clientY - r.top) * (this.height / r.height || 1)];
  }

  toClient(x, y) {
    const r = this.canvas.getBoundingClientRect();
    return { x: r.left + x * (r.width / this.width || 1), y: r.top + y * (r.height / this.height || 1) };
  }

  listen() {
    const { canvas } = this;
    let press = null;
    let swallow = false; // the click that ends a drag
    canvas.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      press = { id: e.pointerId, x: e.clientX, y: e.clientY, pan: { ...this.pan } };
      swallow = false;
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!press || e.pointerId !== press.id) return;
      const dx = e.clientX - press.x;
      const dy = e.clientY - press.y;
      if (!this.dragging && Math.hypot(dx, dy) <= DRAG_PX) return;
      if (!this.dragging) {
        this.dragging = true;
        canvas.setPointerCapture(e.pointerId);
        canvas.style.cursor = "grabbing";
      }
      this.pan = { x: press.pan.x + dx, y: press.pan.y + dy };
      this.place();
    });
    const release = (e) => {
      if (!press || e.pointerId !== press.id) return;
      swallow = this.dragging;
      press = null;
      this.dragging = false;
      canvas.style.cursor = "";
    };
    canvas.addEventListener("pointerup", release);
    canvas.addEventListener("pointercancel", release);
    // Before the room's own click handler (capturing, on the window): a drag walks nowhere.
    window.addEventListener("click", (e) => {
      if (swallow && e.target === canvas) {
        e.stopImmediatePropagation();
        e.preventDefault();
      }
      swallow = false;
    }, true);
  }
}
