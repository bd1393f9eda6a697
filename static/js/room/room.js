// The live room: one socket to ws/rooms/<id>/, a canvas, a chat box and a
// list of who is here; furnishing (furnishing.js), the card of another
// avatar (avatar-card.js) and trading (trade.js) hang off it; each chat
// line in the log can be reported (report.js). Going to
// another room keeps the page: the socket is swapped and the address pushed
// to the history (back and forward go between rooms and the hotel view).
// Protocol: docs/protocol.md.
import { Plan, positionAt, tileAt } from "./iso.js";
import { PX_PER_HUNDREDTH, SIT_DIRECTION, covers, footprint } from "./furniture.js";
import { Renderer } from "./renderer.js";
import { createFurnishing } from "./furnishing.js";
import { createAvatarCard } from "./avatar-card.js";
import { createTrading } from "./trade.js";
import { createDancing } from "./dance.js";
import { createChatCounter } from "./chat-bar.js";
import { createDoorbell } from "./doorbell.js";
import { openNavigator, openRoomInfo } from "../navigator.js";
import { showBanned, showKicked } from "../moderation.js";
import { openReport } from "../report.js";
import { button, el, getJson } from "../windows.js";

const root = document.getElementById("room");
let roomId = root.dataset.roomId || null; // the room open, or null in the hotel view
const canvas = document.getElementById("room-canvas");
const status = document.getElementById("room-status");
const whoList = document.getElementById("who");
const log = document.getElementById("chat-log");
const form = document.getElementById("chat-form");
const renderer = new Renderer(canvas);

// Close codes after which reconnecting cannot help.
const MISUNDERSTOOD = "The hotel did not understand this page; please reload it.";
const FINAL = { 4401: "Please log in again.", 4403: "The room is full.", 4404: "This room does not exist.",
  4423: "This room is locked: only its owner and those with rights may enter.",
  4424: "You rang the doorbell. Waiting for someone inside to let you in…",
  4425: "Nobody who could let you in is in this room; try again later.",
  4003: MISUNDERSTOOD, 4007: MISUNDERSTOOD, 4009: MISUNDERSTOOD };
// A moderator's kick or ban: its sentence comes in an error frame just before the close.
const KICKED = 4410;
const BANNED = 4412;
const SANCTION_WORDS = { [KICKED]: "A moderator sent you out of the room.", [BANNED]: "You are banned from the hotel." };
let sanctionWords = null; // that frame's sentence, until the close

// owner: the room owner's id; rights: who else may furnish; furniSeq: the
// number of the last furniture or rights change applied.
const state = { plan: null, door: null, furniture: [], avatars: new Map(), me: null, offset: 0, hover: null,
  owner: null, rights: new Set(), furniSeq: 0 };
const serverNow = () => Date.now() + state.offset;
let socket = null;
let delay = 500;

function setStatus(text, kind = "") {
  clearTimeout(noticeTimer);
  status.textContent = text;
  status.className = `room-status ${kind}`;
  status.hidden = !text;
}

// A passing word for the player (a refusal, a trade's end) in the status area.
let noticeTimer = null;
function notice(text, kind = "notice") {
  if (status.classList.contains("final")) return;
  setStatus(text, kind);
  noticeTimer = setTimeout(() => setStatus(""), 7000);
}

let retry = null;
let ringing = null; // the room whose doorbell this player rang, until answered
function connect() {
  clearTimeout(retry);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/ws/rooms/${roomId}/`);
  socket = ws;
  ws.addEventListener("open", () => { delay = 500; });
  ws.addEventListener("message", (e) => { if (ws === socket) handle(JSON.parse(e.data)); });
  ws.addEventListener("close", (e) => {
    if (ws !== socket) return; // a room left behind
    if (e.code === 4409) return pause();
    if (e.code === KICKED || e.code === BANNED) return sanctioned(e.code);
    ringing = e.code === 4424 ? roomId : null;
    if (FINAL[e.code]) {
      socket = null; // going to this room again tries again
      return setStatus(FINAL[e.code], "final");
    }
    setStatus(`Connection lost, reconnecting in ${Math.round(delay / 1000)} s…`, "warn");
    retry = setTimeout(connect, delay);
    delay = Math.min(delay * 2, 15000);
  });
}

// A kick leaves the room for the hotel view, and nothing reconnects; a ban
// ends the game (moderation.js takes the player to the login page).
function sanctioned(code) {
  const words = sanctionWords || SANCTION_WORDS[code];
  socket = null;
  if (code === BANNED) return showBanned(words);
  window.dispatchEvent(new CustomEvent("hotel:go", { detail: { url: "/" } }));
  showKicked(words);
}

// -- going between rooms and the hotel view ---------------------------------------

const title = document.getElementById("room-title");
const ROOM_PATH = /^\/rooms\/([0-9a-f-]{36})\/$/;

function hangUp() {
  clearTimeout(retry);
  const old = socket;
  socket = null;
  old?.close(1000);
  state.plan = null;
  state.avatars.clear();
  state.furniture = [];
  resyncing = null;
  ringing = null;
  sanctionWords = null;
  setStatus("");
  if (paused) {
    paused.remove();
    paused = null;
    requestAnimationFrame(frame);
  }
  window.dispatchEvent(new CustomEvent("hotel:room-left"));
}

async function enter(id) {
  if (id === roomId && socket) return;
  hangUp();
  roomId = id;
  root.hidden = false;
  log.replaceChildren();
  whoList.replaceChildren();
  connect();
  try {
    const info = await getJson(`/rooms/${id}/info/`);
    if (id !== roomId) return;
    showTitle(info.name, info.owner);
  } catch { /* the socket says why (4404) */ }
}

function showTitle(name, owner = null) {
  title.querySelector(".name").textContent = name;
  if (owner) title.querySelector(".owner").textContent = `by ${owner}`;
  document.title = `${name} · Hotel`;
}

function leave() {
  hangUp();
  roomId = null;
  root.hidden = true;
  document.title = "Hotel view · Hotel";
  openNavigator();
}

// Where an address leads on this page: a room, or the hotel view; false for anywhere else.
const routable = (path) => ROOM_PATH.test(path) || path === "/";
function route(path) {
  const room = path.match(ROOM_PATH);
  if (room) enter(room[1]);
  else if (path === "/") leave();
  return routable(path);
}

window.addEventListener("hotel:go", (e) => {
  const path = new URL(e.detail.url, location.href).pathname;
  if (!routable(path)) return location.assign(path);
  if (path === location.pathname && roomId && socket) return;
  if (path !== location.pathname) history.pushState({}, "", path);
  route(path);
});
window.addEventListener("popstate", () => { if (!route(location.pathname)) location.reload(); });
document.getElementById("open-room-info").addEventListener("click", () => roomId && openRoomInfo(roomId));
document.getElementById("toggle-side").addEventListener("click", () => document.getElementById("room-side").classList.toggle("open"));

// -- another window took this room over (4409): paused, with a way back -----------

let paused = null;
function pause() {
  socket = null;
  const resume = button("Play here instead", () => {
    paused.remove();
    paused = null;
    connect();
    requestAnimationFrame(frame);
  });
  resume.id = "play-here";
  paused = el("div", { className: "paused", role: "alertdialog" },
    el("p", { textContent: "You are playing in another window, so this one is paused." }), resume);
  root.append(paused);
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function addAvatar(data) {
  const old = state.avatars.get(data.id);
  state.avatars.set(data.id, { ...data, walk: { path: data.path, started_at: data.started_at }, prev: null,
    bubbles: old ? old.bubbles : [], me: data.id === state.me });
}

// A furniture or rights change: applied once, in order; one the snapshot
// already holds (seq <= its furni_seq) is skipped. After a gap (a frame
// missed) the room's furniture is read again over HTTP, and the frames that
// come meanwhile are applied on top of it.
let resyncing = null; // the frames held while the furniture is read again
function furniChange(apply) {
  const change = (m) => {
    if (resyncing) return resyncing.push(m);
    if (m.seq <= state.furniSeq) return;
    if (m.seq > state.furniSeq + 1) {
      resyncing = [m];
      return resyncFurniture();
    }
    state.furniSeq = m.seq;
    apply(m);
    room.changed();
  };
  return change;
}

async function resyncFurniture() {
  const asked = socket; // a room left meanwhile gets nothing of this
  let fresh = null;
  try {
    const response = await fetch(`/rooms/${roomId}/furniture/`, { credentials: "same-origin" });
    if (response.ok) fresh = await response.json();
  } catch {
    fresh = null;
  }
  if (asked !== socket) return;
  const held = resyncing;
  resyncing = null;
  if (!fresh) return socket && socket.close(); // reconnecting brings a new snapshot
  if (fresh.furni_seq >= state.furniSeq) {
    state.furniture = fresh.furniture;
    state.rights = new Set(fresh.rights);
    state.furniSeq = fresh.furni_seq;
  }
  room.changed();
  for (const m of held) handlers[m.type](m);
}

const handlers = {
  snapshot(m) {
    state.offset = m.now - Date.now();
    state.me = m.you;
    state.plan = new Plan(m.room.floor_plan);
    state.door = m.room.door;
    state.furniture = m.furniture;
    state.owner = m.room.owner;
    state.rights = new Set(m.rights);
    state.furniSeq = m.furni_seq;
    state.avatars.clear();
    m.avatars.forEach(addAvatar);
    renderer.layout(state.plan, m.room);
    log.replaceChildren();
    m.chat.forEach((line) => chatLine(line, false));
    setStatus("");
    renderWho();
    room.changed();
  },
  furni_added: furniChange((m) => {
    state.furniture = [...state.furniture.filter((f) => f.id !== m.piece.id), m.piece];
  }),
  furni_moved: furniChange((m) => {
    state.furniture = state.furniture.map((f) => (f.id === m.piece.id ? m.piece : f));
  }),
  furni_removed: furniChange((m) => {
    state.furniture = state.furniture.filter((f) => f.id !== m.furni);
  }),
  rights_changed: furniChange((m) => {
    if (m.granted) state.rights.add(m.user);
    else state.rights.delete(m.user);
    const who = m.user === state.me ? "You" : state.avatars.get(m.user)?.name;
    if (m.user === state.me) notice(m.granted ? "You have rights in this room now: you can place furniture." : "Your rights in this room were taken away.");
    if (who) systemLine(`${who} ${m.user === state.me ? "have" : "has"} ${m.granted ? "" : "no "}rights in this room now.`);
  }),
  user_entered(m) { addAvatar(m.user); renderWho(); },
  user_left(m) { state.avatars.delete(m.user); renderWho(); avatarCard.changed(); },
  walk(m) {
    const a = state.avatars.get(m.user);
    if (!a) return;
    // Keep the old walk until the new one starts (it turns at its next tile).
    a.prev = a.walk;
    a.walk = { path: m.path, started_at: m.started_at };
    a.dance = 0; // walking ends a dance (docs/protocol.md)
  },
  room_updated(m) {
    showTitle(m.room.name);
    renderer.repaint(m.room);
  },
  wave(m) {
    const a = state.avatars.get(m.user);
    if (a) a.waveUntil = serverNow() + 2000;
  },
  dance(m) {
    const a = state.avatars.get(m.user);
    if (a) a.dance = m.style;
  },
  look_changed(m) {
    const a = state.avatars.get(m.user);
    if (!a) return;
    a.figure = m.figure;
    a.motto = m.motto;
    renderWho();
    avatarCard.changed();
  },
  chat(m) { chatLine(m, true); },
  error(m) {
    if (m.code === "kicked" || m.code === "banned") { sanctionWords = m.message; return; }
    systemLine(m.message, "error");
    notice(m.message, "warn");
    room.refused(m);
  },
};

const listeners = {}; // frame type → the other modules' handlers (room.on)

function handle(message) {
  if (message.type === "batch") return message.frames.forEach(handle); // a busy room's tick (docs/protocol.md)
  (handlers[message.type] || (() => {}))(message);
  (listeners[message.type] || []).forEach((fn) => fn(message));
}

function chatLine(line, bubble) {
  const li = document.createElement("li");
  li.className = `line ${line.kind}`;
  const who = document.createElement("b");
  who.textContent = line.kind === "whisper" ? `${line.name} whispers:` : `${line.name}${line.kind === "shout" ? " shouts" : ""}:`;
  const text = document.createElement("span");
  text.textContent = ` ${line.text}`; // text, never HTML
  // Report first in the line (shown at its right end, hotel.css): the line's text stays its end.
  if (line.id && line.user !== state.me) {
    const said = `${line.name}: ${line.text}`;
    const report = button("Report", () => openReport(`Report this line to the moderators: “${said}”`,
      { about: "chat", chat_line_id: line.id, room_id: roomId, user_id: line.user }), "report-line");
    report.title = "report this line to the moderators";
    li.append(report);
  }
  li.append(who, text);
  log.append(li);
  log.scrollTop = log.scrollHeight;
  const a = state.avatars.get(line.user);
  if (bubble && a) a.bubbles = [...a.bubbles.slice(-3), { text: line.text, kind: line.kind, shownAt: serverNow() }];
}

// A line from the hotel in the chat log: "info" (rights, a trade's end) or "error" (a refusal).
function systemLine(text, kind = "info") {
  const li = document.createElement("li");
  li.className = `line system ${kind}`;
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

let framesDrawn = 0; // for tests and the client bench
function frame() {
  if (paused) return; // nothing moves in a paused window; resuming starts the frames again
  framesDrawn += 1;
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
    renderer.draw({ plan: state.plan, door: state.door, furniture: state.furniture, avatars, now,
      hover: state.hover, ...furnishing.scene() });
  }
  requestAnimationFrame(frame);
}

// The seat or bed under an avatar standing still (the top one of a stack):
// it sits or lies there, facing the way the piece does (docs/protocol.md, "Furniture").
function restingOn(x, y) {
  let best = null;
  for (const f of state.furniture) {
    if ((f.can_sit || f.can_lay) && covers(f, x, y) && (!best || (f.z || 0) > (best.z || 0))) best = f;
  }
  return best;
}

function canvasPoint(e) {
  return renderer.fromClient(e.clientX, e.clientY);
}

// A click: while placing, puts the piece there; on an avatar (yours too), its
// card; otherwise a walk there (onto a seat clicked anywhere on it), and a
// piece you may handle also shows its panel.
canvas.addEventListener("click", (e) => {
  if (!state.plan) return;
  const [px, py] = canvasPoint(e);
  const tile = tileAt(state.plan, renderer.origin, px, py);
  if (furnishing.placing()) return furnishing.drop(tile);
  const thing = renderer.thingAt(px, py);
  if (thing?.avatar) {
    furnishing.select(null);
    return avatarCard.open(thing.avatar);
  }
  avatarCard.close();
  const piece = thing?.piece || null;
  furnishing.select(piece);
  let target = tile;
  if (piece && (piece.can_sit || piece.can_lay) && !(tile && covers(piece, tile.x, tile.y))) target = { x: piece.x, y: piece.y };
  if (target) send({ type: "walk", x: target.x, y: target.y });
});
canvas.addEventListener("mousemove", (e) => {
  if (!state.plan) return;
  state.hover = tileAt(state.plan, renderer.origin, ...canvasPoint(e));
  furnishing.hover(state.hover);
});
canvas.addEventListener("mouseleave", () => { state.hover = null; furnishing.hover(null); });
window.addEventListener("keydown", (e) => {
  if (e.target.closest?.("input, textarea, select")) return;
  if (e.key === "Escape") { furnishing.cancel(); avatarCard.close(); }
  if ((e.key === "r" || e.key === "R") && furnishing.placing()) furnishing.turn();
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

// What the other modules use of the room.
const room = {
  state, send, notice, systemLine, renderer, canvas,
  id: () => roomId,
  stage: root, // the room's view (#room): what the panels over the room are placed in
  isOwner: () => state.me !== null && state.me === state.owner,
  mayFurnish: () => state.me !== null && (state.me === state.owner || state.rights.has(state.me)),
  ringing: (id) => ringing !== null && ringing === id,
  reconnect() {
    if (ringing !== roomId) return; // gone elsewhere since ringing
    ringing = null;
    setStatus("");
    connect();
  },
  final(text) { ringing = null; setStatus(text, "final"); },
  // A canvas point on the page, relative to the stage (for panels over the room).
  onStage(cx, cy) {
    const p = renderer.toClient(cx, cy);
    const s = room.stage.getBoundingClientRect();
    return { x: p.x - s.left, y: p.y - s.top };
  },
  on(type, fn) { (listeners[type] ||= []).push(fn); },
  changed() { furnishing.changed(); avatarCard.changed(); },
  refused(m) { furnishing.refused(m); },
};
const furnishing = createFurnishing(room);
const avatarCard = createAvatarCard(room);
createTrading(room);
createDancing(room);
createChatCounter(form);
createDoorbell(room);

function onPage(cx, cy) {
  return renderer.toClient(cx, cy);
}

function pieceView(f) {
  const { id, item, name, owner, x, y, z, rotation, can_sit: canSit, can_stack: canStack } = f;
  return { id, item, name, owner, x, y, z, rotation, can_sit: canSit, can_stack: canStack };
}

// For tests and tools: the tile's centre on the page, and what the client knows.
window.hotelRoom = {
  tileCentre(x, y) {
    const z = state.plan.height(x, y);
    return onPage(renderer.origin.x + (x - y) * 32, renderer.origin.y + (x + y) * 16 - z * 16 + 16);
  },
  // The middle of a placed piece's picture on the page (to click it).
  pieceCentre(id) {
    const f = state.furniture.find((p) => p.id === id);
    if (!f) return null;
    const [w, l] = footprint(f);
    const u = f.x + w / 2;
    const v = f.y + l / 2;
    const lift = ((f.z || 0) + f.height / 2) * PX_PER_HUNDREDTH;
    return onPage(renderer.origin.x + (u - v) * 32, renderer.origin.y + (u + v) * 16 - state.plan.height(f.x, f.y) * 16 - lift);
  },
  // Where an avatar's body is on the page (to click it).
  avatarCentre(name) {
    const a = [...state.avatars.values()].find((v) => v.name === name);
    if (!a || !a.hit) return null;
    return onPage((a.hit.x0 + a.hit.x1) / 2, (a.hit.y0 + a.hit.y1) / 2 + 8);
  },
  furniture: () => state.furniture.map(pieceView),
  piece(id) {
    const f = state.furniture.find((p) => p.id === id);
    return f ? pieceView(f) : null;
  },
  owner: () => state.owner,
  rights: () => [...state.rights],
  furniSeq: () => state.furniSeq,
  mayFurnish: () => room.mayFurnish(),
  placing: () => furnishing.placing(),
  avatar(name) {
    const a = [...state.avatars.values()].find((v) => v.name === name);
    if (!a || !a.pos) return null;
    const pose = a.pos.rest ? (a.pos.rest.can_lay ? "lay" : "sit") : "stand";
    return { x: a.pos.x, y: a.pos.y, walking: a.pos.walking, pose, dir: a.dir, bubbles: a.bubbles.map((b) => b.text),
      figure: a.figure, motto: a.motto, dance: a.dance || 0 };
  },
  ready: () => state.plan !== null,
  // What the last frame showed (renderer.summary): walls, door, avatars' boxes, bubbles, in canvas points.
  scene: () => renderer.summary(),
  frames: () => framesDrawn,
  roomId: () => roomId,
};

history.replaceState({}, "", location.pathname + location.search);
if (roomId) connect();
requestAnimationFrame(frame);
