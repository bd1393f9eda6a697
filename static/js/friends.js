// The friends window: friends (online first, where they are, Follow, Message,
// Remove), the requests waiting (Accept, Decline), and finding players to add.
// Kept live from the hotel socket; the toolbar shows how many friends are
// online. Every row is built by one function, whether it came from the first
// read or live (docs/protocol.md, "Friends and messenger windows").
import { toast, whenConnected } from "./hotel-socket.js";
import { go } from "./navigator.js";
import { openConversation } from "./messenger.js";
import { button, el, getJson, makeWindow, postJson } from "./windows.js";

const win = makeWindow("friends-window", "Friends");
const onlineCount = document.getElementById("friends-online");
const requestsCount = document.getElementById("requests-count");
const friends = new Map(); // id → the friend as GET /friends/api/ gives it, kept live
const requests = new Map(); // request id → the incoming request
let query = "";

const requestList = el("ul", { className: "friend-requests", id: "friend-requests" });
const friendList = el("ul", { className: "friend-list", id: "friend-list" });
const foundList = el("ul", { className: "found", id: "found-players" });
const searchInput = el("input", { type: "search", name: "q", placeholder: "a player's name", ariaLabel: "find players" });
const searchForm = el("form", { className: "search" }, searchInput, el("button", { type: "submit", textContent: "Find" }));
searchForm.addEventListener("submit", (e) => { e.preventDefault(); search(searchInput.value.trim()); });
win.body.append(
  el("h3", { textContent: "Friend requests" }), requestList,
  el("h3", { textContent: "My friends" }), friendList,
  el("h3", { textContent: "Find players" }), searchForm, foundList,
);

export async function loadFriends() {
  const data = await getJson("/friends/api/");
  friends.clear();
  data.friends.forEach((f) => friends.set(f.id, f));
  requests.clear();
  data.requests.forEach((r) => requests.set(r.id, r));
  render();
  return data;
}

export function openFriends(q = "") {
  win.open();
  loadFriends().catch(() => toast("The friends list cannot be read right now.", "warn"));
  if (q) { searchInput.value = q; search(q); }
}

function describe(friend) {
  if (friend.room) return `in ${friend.room.name}`;
  return friend.online ? "online" : "offline";
}

// A write: its answer (a refusal, or that it is on its way) as a toast; the outcome comes on the socket.
async function act(url, body) {
  const { ok, answer } = await postJson(url, body);
  toast(answer.message || (ok ? "Done." : "That did not work; try again."), ok ? "info" : "warn");
  return ok;
}

function friendRow(friend) {
  const dot = el("span", { className: `dot ${friend.online ? "online" : "offline"}`, title: friend.online ? "online" : "offline" });
  const name = el("b", { className: "name", textContent: friend.name });
  const status = el("span", { className: "status", textContent: describe(friend) });
  const follow = button("Follow", () => friend.room && go(friend.room.url), "follow");
  follow.hidden = !friend.room;
  follow.dataset.href = friend.room ? friend.room.url : "";
  const message = button("Message", () => openConversation(friend.id, friend.name), "message");
  if (friend.unread) message.append(el("span", { className: "count unread", textContent: friend.unread }));
  const remove = button("Remove", () => {
    if (confirm(`Remove ${friend.name} from your friends?`)) act(`/friends/api/${friend.id}/remove`);
  }, "remove secondary");
  const li = el("li", {}, dot, el("div", { className: "who" }, name, status), el("div", { className: "buttons" }, follow, message, remove));
  li.dataset.friendId = friend.id;
  return li;
}

function requestRow(request) {
  const li = el("li", {}, el("b", { textContent: request.from.name }), " wants to be friends",
    el("div", { className: "buttons" },
      button("Accept", () => answer(request.id, "accept"), "accept"),
      button("Decline", () => answer(request.id, "decline"), "decline secondary")));
  li.dataset.requestId = request.id;
  return li;
}

function render() {
  const sorted = [...friends.values()].sort((a, b) => (b.online - a.online) || a.name.localeCompare(b.name));
  friendList.replaceChildren(...(sorted.length ? sorted.map(friendRow) : [el("li", { className: "empty", textContent: "No friends yet: find some below!" })]));
  requestList.replaceChildren(...(requests.size ? [...requests.values()].map(requestRow) : [el("li", { className: "empty", textContent: "No requests waiting." })]));
  const online = sorted.filter((f) => f.online).length;
  onlineCount.textContent = online;
  onlineCount.title = `${online} friend${online === 1 ? "" : "s"} online`;
  requestsCount.textContent = requests.size;
  requestsCount.hidden = requests.size === 0;
}

async function search(q) {
  query = q;
  if (!q) return foundList.replaceChildren();
  const { players } = await getJson(`/friends/api/search?q=${encodeURIComponent(q)}`);
  if (q !== query) return;
  foundList.replaceChildren(...(players.length ? players.map((p) => {
    const add = button(p.friend ? "Friends" : "Add friend", async () => {
      if (await act("/friends/api/request", { username: p.name })) { add.disabled = true; add.textContent = "Requested"; }
    }, "add");
    add.disabled = p.friend;
    const li = el("li", {}, el("b", { textContent: p.name }), p.motto ? el("span", { className: "meta", textContent: p.motto }) : "", add);
    li.dataset.playerId = p.id;
    return li;
  }) : [el("li", { className: "empty", textContent: "Nobody by that name." })]));
}

async function answer(requestId, verb) {
  document.querySelectorAll(`[data-request-id="${requestId}"]`).forEach((n) => n.remove());
  requests.delete(requestId);
  render();
  await act(`/friends/api/requests/${requestId}/${verb}`);
}

// -- live, from the hotel socket ------------------------------------------------------

// A popup for each request ("A wants to be friends", Accept / Decline); after a
// consumer restart a push can come twice: one popup per request.
function requestPopup(request) {
  if (document.querySelector(`.toast.friend-request[data-request-id="${request.id}"]`)) return;
  const popup = toast(`${request.from.name} wants to be friends`, "info", { sticky: true });
  popup.classList.add("friend-request");
  popup.dataset.requestId = request.id;
  popup.append(button("Accept", () => answer(request.id, "accept")), button("Decline", () => answer(request.id, "decline"), "secondary"));
}

window.addEventListener("hotel:friend.requested", (e) => {
  const { request } = e.detail;
  requests.set(request.id, request);
  render();
  requestPopup(request);
});
window.addEventListener("hotel:friend.accepted", (e) => {
  const { friend } = e.detail;
  friends.set(friend.id, { motto: "", unread: 0, ...friends.get(friend.id), ...friend });
  render();
  toast(`You and ${friend.name} are now friends.`);
});
window.addEventListener("hotel:friend.refused", (e) => toast(e.detail.message, "warn"));
window.addEventListener("hotel:friend.removed", (e) => { friends.delete(e.detail.friend.id); render(); });
window.addEventListener("hotel:friend.presence", (e) => {
  const { friend } = e.detail;
  const known = friends.get(friend.id);
  if (!known) return;
  friends.set(friend.id, { ...known, online: friend.online, room: friend.room });
  render();
});
// Unread counts on the rows follow the messenger.
window.addEventListener("hotel:unread", (e) => {
  const known = friends.get(e.detail.friend);
  if (!known) return;
  friends.set(e.detail.friend, { ...known, unread: e.detail.count });
  render();
});

// After login (and after each reconnect): what is waiting, counted in the toolbar and said once.
let greeted = false;
whenConnected(async () => {
  let data;
  try { data = await loadFriends(); } catch { return; }
  if (greeted) return;
  greeted = true;
  data.requests.forEach(requestPopup);
  window.dispatchEvent(new CustomEvent("hotel:unread-total", { detail: { unread: data.unread, friends: data.friends } }));
});
