// Windows over the game screen (navigator, friends, messenger, catalogue,
// inventory, looks, trade): movable by the title bar, closable, the last one
// touched in front. Also the small DOM and JSON helpers every window uses.
import { csrfToken } from "./hotel-socket.js";

export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

export function button(label, onClick, className = "") {
  const b = el("button", { type: "button", textContent: label, className });
  b.addEventListener("click", onClick);
  return b;
}

// A fresh UUID per click (v4, from crypto.getRandomValues: randomUUID needs a
// secure context): a double submit or a retry with it counts once.
export function clickKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export async function getJson(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// {ok, status, answer}: answer is the JSON body ({} when there is none).
export async function postJson(url, body) {
  const response = await fetch(url, {
    method: "POST", credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json", Accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let answer = {};
  try { answer = await response.json(); } catch { /* an empty or HTML body */ }
  return { ok: response.ok, status: response.status, answer };
}

let front = 20; // z-index of the window in front

function toFront(win) {
  front += 1;
  win.style.zIndex = front;
}

const windows = {};

// One window per id (asking again returns the same one), hidden until opened.
export function makeWindow(id, title) {
  if (windows[id]) return windows[id];
  const closeButton = el("button", { type: "button", className: "close", textContent: "×", ariaLabel: "close" });
  const heading = el("h2", { textContent: title });
  const bar = el("header", { className: "window-bar" }, heading, closeButton);
  const body = el("div", { className: "window-body" });
  const win = el("section", { id, className: "window", hidden: true, role: "dialog", ariaLabel: title }, bar, body);
  const handle = {
    win, body,
    open() { win.hidden = false; toFront(win); win.dispatchEvent(new Event("window:open")); },
    close() { win.hidden = true; },
    toggle() { if (win.hidden || Number(win.style.zIndex) < front) handle.open(); else handle.close(); },
    get isOpen() { return !win.hidden; },
    title(text) { heading.textContent = text; win.ariaLabel = text; },
  };
  closeButton.addEventListener("click", handle.close);
  win.addEventListener("pointerdown", () => toFront(win));
  bar.addEventListener("pointerdown", (e) => {
    if (e.target === closeButton) return;
    const start = { x: e.clientX - win.offsetLeft, y: e.clientY - win.offsetTop };
    const move = (m) => {
      win.style.left = `${Math.max(0, Math.min(innerWidth - 80, m.clientX - start.x))}px`;
      win.style.top = `${Math.max(0, Math.min(innerHeight - 40, m.clientY - start.y))}px`;
    };
    const up = () => { removeEventListener("pointermove", move); removeEventListener("pointerup", up); };
    addEventListener("pointermove", move);
    addEventListener("pointerup", up);
  });
  document.body.append(win);
  windows[id] = handle;
  return handle;
}

// Toolbar buttons that open a window: `button` toggles it.
export function opens(buttonId, open) {
  document.getElementById(buttonId)?.addEventListener("click", open);
}
