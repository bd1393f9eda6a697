// The navigator window: public rooms, popular ones (live player counts),
// my rooms, rooms with friends in them, search by room or owner name, a room's
// info (with Report, and for moderators their room actions), and Create (the
// server-rendered form of hotel.html, sent from here).
// Entering a room keeps the page (room.js, "hotel:go"). Text only, never HTML.
import { toast, whenConnected } from "./hotel-socket.js";
import { openReport } from "./report.js";
import { isModerator, roomTools } from "./staff-tools.js";
import { el, getJson, makeWindow, postJson } from "./windows.js";

const TABS = [["popular", "Popular"], ["public", "Public"], ["mine", "My rooms"], ["friends", "Friends' rooms"],
  ["search", "Search"], ["create", "Create"]];
const EMPTY = {
  popular: "Nobody is in a room yet: be the first!", public: "No public rooms yet.",
  mine: "You have no rooms yet: create one.", friends: "None of your friends is in a room right now.",
  search: "No room by that name or owner.",
};

const nav = makeWindow("navigator-window", "Navigator");
let tab = "public";
let query = "";
let refreshing = null;

// Where the player goes: the page stays, room.js switches rooms; the navigator steps aside.
export function go(url) {
  nav.close();
  window.dispatchEvent(new CustomEvent("hotel:go", { detail: { url } }));
}

export function openNavigator(which = tab) {
  nav.open();
  show(which);
}

function tabs() {
  return el("nav", { className: "tabs" }, ...TABS.map(([name, label]) => {
    const button = el("button", { type: "button", textContent: label, className: name === tab ? "tab active" : "tab" });
    button.dataset.tab = name;
    button.addEventListener("click", () => show(name));
    return button;
  }));
}

async function show(which) {
  tab = which;
  clearInterval(refreshing);
  if (tab === "create") return nav.body.replaceChildren(tabs(), createForm());
  const list = el("ul", { className: "room-list", ariaBusy: "true" });
  const parts = [tabs()];
  if (tab === "search") parts.push(searchBox());
  nav.body.replaceChildren(...parts, list);
  if (tab === "search" && !query) return list.replaceChildren(el("li", { className: "empty", textContent: "Type a room's name or its owner's." }));
  await fill(list);
  if (tab !== which) return; // another tab was opened meanwhile
  // Player counts change as people come and go: the open tab is read again now and then.
  if (tab === "popular" || tab === "friends") refreshing = setInterval(() => nav.isOpen && fill(list), 5000);
}

async function fill(list) {
  let rooms;
  try {
    const url = tab === "friends" ? "/friends/api/rooms" : `/rooms/?tab=${tab}&q=${encodeURIComponent(query)}`;
    ({ rooms } = await getJson(url));
  } catch {
    return list.replaceChildren(el("li", { className: "empty", textContent: "The navigator cannot reach the hotel; try again." }));
  }
  list.ariaBusy = "false";
  list.replaceChildren(...(rooms.length ? rooms.map(roomRow) : [el("li", { className: "empty", textContent: EMPTY[tab] })]));
}

function searchBox() {
  const input = el("input", { type: "search", name: "q", value: query, placeholder: "room or owner name", ariaLabel: "search rooms" });
  const form = el("form", { className: "search" }, input, el("button", { type: "submit", textContent: "Search" }));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    query = input.value.trim();
    show("search");
  });
  setTimeout(() => input.focus());
  return form;
}

function fullness(room) {
  const share = room.players / room.capacity;
  return share >= 1 ? "full" : share >= 0.5 ? "busy" : room.players ? "some" : "none";
}

function roomRow(room) {
  const count = el("span", { className: `players ${fullness(room)}`, textContent: `${room.players}/${room.capacity}`,
    title: "players in the room / capacity" });
  const name = el("b", { className: "name", textContent: room.name });
  const meta = el("span", { className: "meta", textContent: `by ${room.owner}${room.is_public ? "" : " · private"}` });
  const info = el("button", { type: "button", className: "secondary info", textContent: "i", title: "room info", ariaLabel: `about ${room.name}` });
  const enter = el("button", { type: "button", className: "enter", textContent: "Go" });
  const row = el("li", {}, count, el("div", { className: "what" }, name, meta), info, enter);
  if (room.friends) row.querySelector(".what").append(el("span", { className: "friends", textContent: `with ${room.friends.join(", ")}` }));
  row.dataset.roomId = room.id;
  enter.addEventListener("click", () => go(room.url));
  name.addEventListener("click", () => go(room.url));
  info.addEventListener("click", () => openRoomInfo(room.id));
  return row;
}

// -- room info ------------------------------------------------------------------

const infoWindow = makeWindow("room-info-window", "Room info");

export async function openRoomInfo(roomId) {
  infoWindow.open();
  let room;
  try {
    room = await getJson(`/rooms/${roomId}/info/`);
  } catch {
    return infoWindow.body.replaceChildren(el("p", { className: "empty", textContent: "That room is gone." }));
  }
  infoWindow.title(room.name);
  const facts = el("dl", { className: "facts" },
    el("dt", { textContent: "Owner" }), el("dd", { textContent: room.yours ? `${room.owner} (you)` : room.owner }),
    el("dt", { textContent: "Players" }), el("dd", { textContent: `${room.players} of ${room.capacity}` }),
    el("dt", { textContent: "Listed" }), el("dd", { textContent: room.is_public ? "in the navigator" : "private" }));
  const enter = el("button", { type: "button", textContent: "Go to this room" });
  enter.addEventListener("click", () => { infoWindow.close(); go(room.url); });
  infoWindow.body.replaceChildren(
    el("p", { className: "description", textContent: room.description || "No description." }), facts, enter);
  if (room.yours) infoWindow.body.append(settingsForm(room));
  else {
    const report = el("button", { type: "button", className: "secondary report", textContent: "Report this room" });
    report.addEventListener("click", () => openReport(`Report the room “${room.name}” to the moderators.`, { about: "room", room_id: room.id }));
    infoWindow.body.append(" ", report);
  }
  if (isModerator()) infoWindow.body.append(roomTools(room));
}

// -- the owner's settings ------------------------------------------------------------

const ACCESS = [["open", "Open to everyone"], ["doorbell", "Doorbell: someone with rights lets visitors in"],
  ["locked", "Locked: only me and those with rights"]];
const saving = new Map(); // room id → the status line waiting for room.settings_saved

function field(label, input) {
  return el("label", { className: "field" }, el("span", { textContent: label }), input);
}

function settingsForm(room) {
  const s = room.settings;
  const name = el("input", { name: "name", value: s.name, maxLength: 60, minLength: 3, required: true });
  const description = el("input", { name: "description", value: s.description, maxLength: 500 });
  const capacity = el("input", { name: "capacity", type: "number", value: s.capacity, min: 10, max: 500, required: true });
  const access = el("select", { name: "access" }, ...ACCESS.map(([value, label]) => el("option", { value, textContent: label, selected: value === s.access })));
  const listed = el("input", { name: "is_public", type: "checkbox", checked: s.is_public });
  const wallpaper = el("input", { name: "wallpaper", type: "color", value: s.wallpaper });
  const floor = el("input", { name: "floor", type: "color", value: s.floor });
  const status = el("p", { className: "status", ariaLive: "polite" });
  const form = el("form", { className: "room-settings" }, el("h3", { textContent: "Settings" }),
    field("Name", name), field("Description", description), field("Players at most", capacity), field("Who may enter", access),
    el("label", { className: "check" }, listed, " Listed in the navigator"),
    el("div", { className: "paint" }, field("Walls", wallpaper), field("Floor", floor)),
    el("button", { type: "submit", textContent: "Save" }), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    status.textContent = "Saving…";
    const body = { name: name.value.trim(), description: description.value.trim(), capacity: Number(capacity.value),
      access: access.value, is_public: listed.checked, wallpaper: wallpaper.value, floor: floor.value };
    saving.set(room.id, status); // before the answer: room.settings_saved can come first
    const { ok, answer } = await postJson(`/rooms/${room.id}/settings/`, body);
    if (!ok) {
      saving.delete(room.id);
      status.textContent = answer.message || "That did not work; try again.";
    }
  });
  return form;
}

window.addEventListener("hotel:room.settings_saved", (e) => {
  const status = saving.get(e.detail.room.id);
  if (status) {
    status.textContent = "Saved.";
    infoWindow.title(e.detail.room.name);
  }
  saving.delete(e.detail.room.id);
});

// -- create -----------------------------------------------------------------------

const createSection = document.getElementById("create-room");
let waitingFor = null; // the id of the room being created, opened when room.created comes

function createForm() {
  if (!createSection) {
    const link = el("a", { href: "/", textContent: "Open the hotel view to create a room." });
    return el("p", {}, link);
  }
  createSection.hidden = false;
  const form = createSection.querySelector("form");
  if (!form.dataset.bound) {
    form.dataset.bound = "yes";
    form.addEventListener("submit", (e) => { e.preventDefault(); create(form); });
  }
  return createSection;
}

async function create(form) {
  const status = form.querySelector(".status") || form.appendChild(el("p", { className: "status", ariaLive: "polite" }));
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  status.textContent = "Creating your room…";
  let response;
  let answer = {};
  try {
    response = await fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" }, credentials: "same-origin" });
    answer = await response.json();
  } catch {
    response = null;
  }
  button.disabled = false;
  if (!response || !response.ok) {
    status.textContent = answer.message || "The hotel cannot create rooms right now; nothing was made. Try again.";
    return;
  }
  form.reset();
  status.textContent = "Creating your room… it opens as soon as it is ready.";
  waitingFor = answer.room;
}

// The room exists once the rooms consumer applied room.created.
window.addEventListener("hotel:room.created", (e) => {
  const { room } = e.detail;
  if (room.id !== waitingFor) return toast(`Your room “${room.name}” is ready.`);
  waitingFor = null;
  createSection?.querySelector(".status")?.replaceChildren();
  document.getElementById("creating")?.remove();
  go(room.url);
});

// A page sent without the window (?creating=<id>): open it when it exists.
const banner = document.getElementById("creating");
if (banner) {
  waitingFor = banner.dataset.roomId;
  // The notice may have come before this page's socket opened: ask once connected.
  let asked = false;
  whenConnected(() => {
    if (asked) return;
    asked = true;
    fetch(location.href, { headers: { Accept: "text/html" }, redirect: "follow" }).then((r) => {
      if (r.redirected) go(new URL(r.url).pathname);
    });
  });
}
