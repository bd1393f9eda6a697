// The live room: one socket to ws/rooms/<id>/, a canvas, a chat box and a
// list of who is here. Protocol: docs/protocol.md.
import { Plan, positionAt, tileAt } from "./iso.js";
import { SIT_DIRECTION, footprint } from "./furniture.js";
import { Renderer } from "./renderer.js";

const root = document.getElementById("room");
const roomId = root.dataset.roomId;
const canvas = document.getElementById("room-canvas");
const status = document.getElementById("room-status");
const whoList = document.getElementById("who");
const log = document.getElementById("chat-log");
const form = document.getElementById("chat-form");
const renderer = new Renderer(canvas);

// Close codes after which reconnecting cannot help.
const MISUNDERSTOOD = "The hotel did not understand this page; please reload it.";
const FINAL = { 4401: "Please log in again.", 4403: "The room is full.", 4404: "This room does not exist.",
  4409: "You entered from another window; this one is closed.",
  4003: MISUNDERSTOOD, 4007: MISUNDERSTOOD, 4009: MISUNDERSTOOD };

const state = { plan: null, door: null, furniture: [], avatars: new Map(), me: null, offset: 0, hover: null };
const serverNow = () => Date.now() + state.offset;
let socket = null;
let delay = 500;

function setStatus(text, kind = "") {
  status.textContent = text;
  status.className = `room-status ${kind}`;
  status.hidden = !text;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  socket = new WebSocket(`${scheme}://${location.host}/ws/rooms/${roomId}/`);
  socket.addEventListener("open", () => { delay = 500; });
  socket.addEventListener("message", (e) => handle(JSON.parse(e.data)));
  socket.addEventListener("close", (e) => {
    if (FINAL[e.code]) return setStatus(FINAL[e.code], "final");
    setStatus(`Connection lost, reconnecting in ${Math.round(delay / 1000)} s…`, "warn");
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 15000);
  });
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function addAvatar(data) {
  const old = state.avatars.get(data.id);
  state.avatars.set(data.id, { ...data, walk: { path: data.path, started_at: data.started_at }, prev: null,
    bubbles: old ? old.bubbles : [], me: data.id === state.me });
}

const handlers = {
  snapshot(m) {
    state.offset = m.now - Date.now();
    state.me = m.you;
    state.plan = new Plan(m.room.floor_plan);
    state.door = m.room.door;
    state.furniture = m.furniture;
    state.avatars.clear();
    m.avatars.forEach(addAvatar);
    renderer.layout(state.plan);
    log.replaceChildren();
    m.chat.forEach((line) => chatLine(line, false));
    setStatus("");
    renderWho();
  },
  user_entered(m) { addAvatar(m.user); renderWho(); },
  user_left(m) { state.avatars.delete(m.user); renderWho(); },
  walk(m) {
    const a = state.avatars.get(m.user);
    if (!a) return;
    // Keep the old walk until the new one starts (it turns at its next tile).
    a.prev = a.walk;
    a.walk = { path: m.path, started_at: m.started_at };
  },
  wave(m) {
    const a = state.avatars.get(m.user);
    if (a) a.waveUntil = serverNow() + 2000;
  },
  chat(m) { chatLine(m, true); },
  error(m) { systemLine(m.message); },
};

function handle(message) {
  (handlers[message.type] || (() => {}))(message);
}

function chatLine(line, bubble) {
  const li = document.createElement("li");
  li.className = `line ${line.kind}`;
  const who = document.createElement("b");
  who.textContent = line.kind === "whisper" ? `${line.name} whispers:` : `${line.name}${line.kind === "shout" ? " shouts" : ""}:`;
  const text = document.createElement("span");
  text.textContent = ` ${line.text}`; // text, never HTML
  li.append(who, text);
  log.append(li);
  log.scrollTop = log.scrollHeight;
  const a = state.avatars.get(line.user);
  if (bubble && a) a.bubbles = [...a.bubbles.slice(-3), { text: line.text, kind: line.kind, shownAt: serverNow() }];
}

function systemLine(text) {
  const li = document.createElement("li");
  li.className = "line system";
  li.textContent = text;
  log.append(li);
  log.scrollTop = log.scrollHeight;
}

function renderWho() {
  whoList.replaceChildren(...[...state.avatars.values()].map((a) => {
    const li = document.createElement("li");
    const dot = document.createElement("span");
    dot.className = "dot";
    dot.style.background = a.figure.shirt;
    li.append(dot, document.createTextNode(a.name + (a.me ? " (you)" : "")));
    return li;
  }));
}

function frame() {
  if (state.plan) {
    const now = serverNow();
    const avatars = [...state.avatars.values()].map((a) => {
      const walk = a.prev && now < a.walk.started_at ? a.prev : a.walk;
      const pos = positionAt(state.plan, walk, now);
      if (!pos.walking) pos.rest = restingOn(pos.x, pos.y);
      if (pos.rest) pos.dir = SIT_DIRECTION[pos.rest.rotation];
      if (pos.dir !== null) a.dir = pos.dir;
      a.pos = pos;
      return a;
    });
    renderer.draw({ plan: state.plan, door: state.door, furniture: state.furniture, avatars, now, hover: state.hover });
  }
  requestAnimationFrame(frame);
}

// The seat or bed under an avatar standing still: it sits or lies there,
// facing the way the piece does (docs/protocol.md, "Furniture").
function restingOn(x, y) {
  return state.furniture.find((f) => {
    if (!f.can_sit && !f.can_lay) return false;
    const [w, l] = footprint(f);
    return x >= f.x && x < f.x + w && y >= f.y && y < f.y + l;
  }) || null;
}

function canvasPoint(e) {
  const r = canvas.getBoundingClientRect();
  return [(e.clientX - r.left) * (canvas.width / r.width), (e.clientY - r.top) * (canvas.height / r.height)];
}

canvas.addEventListener("click", (e) => {
  if (!state.plan) return;
  const tile = tileAt(state.plan, renderer.origin, ...canvasPoint(e));
  if (tile) send({ type: "walk", x: tile.x, y: tile.y });
});
canvas.addEventListener("mousemove", (e) => {
  if (state.plan) state.hover = tileAt(state.plan, renderer.origin, ...canvasPoint(e));
});

form.addEventListener("submit", (e) => {
  e.preventDefault();
  const kind = form.elements.kind.value;
  const text = form.elements.text.value.trim();
  if (!text) return;
  const message = { type: kind, text };
  if (kind === "whisper") message.to = form.elements.to.value.trim();
  send(message);
  form.elements.text.value = "";
});
form.elements.kind.addEventListener("change", () => {
  form.elements.to.hidden = form.elements.kind.value !== "whisper";
});
document.getElementById("wave").addEventListener("click", () => send({ type: "wave" }));

// For tests and tools: the tile's centre on the page, and what the client knows.
window.hotelRoom = {
  tileCentre(x, y) {
    const r = canvas.getBoundingClientRect();
    const z = state.plan.height(x, y);
    const sx = renderer.origin.x + (x - y) * 32;
    const sy = renderer.origin.y + (x + y) * 16 - z * 16 + 16;
    return { x: r.left + sx * (r.width / canvas.width), y: r.top + sy * (r.height / canvas.height) };
  },
  avatar(name) {
    const a = [...state.avatars.values()].find((v) => v.name === name);
    if (!a || !a.pos) return null;
    const pose = a.pos.rest ? (a.pos.rest.can_lay ? "lay" : "sit") : "stand";
    return { x: a.pos.x, y: a.pos.y, walking: a.pos.walking, pose, dir: a.dir, bubbles: a.bubbles.map((b) => b.text) };
  },
  ready: () => state.plan !== null,
};

connect();
requestAnimationFrame(frame);
