// The messenger window: one conversation with a friend at a time, tabs for
// the others open, new messages live from the hotel socket, and the unread
// count on the toolbar (what came while its conversation was not in view).
// Text only, never HTML.
import { toast } from "./hotel-socket.js";
import { el, getJson, makeWindow, postJson } from "./windows.js";

const win = makeWindow("messenger-window", "Messenger");
const unreadBadge = document.getElementById("unread-count");
const me = Number(document.body.dataset.me);
const unread = new Map(); // friend id → messages not read yet
const names = new Map(); // friend id → name
const shown = new Set(); // the friends with a tab: opened here, or with something unread
let current = null; // the friend whose conversation is shown

const tabs = el("nav", { className: "tabs conversations" });
const lines = el("ul", { className: "chat-log messages", id: "messages" });
const input = el("input", { name: "text", maxLength: 255, placeholder: "Write a message…", ariaLabel: "message", required: true, autocomplete: "off" });
const status = el("p", { className: "status", ariaLive: "polite" });
const form = el("form", { className: "chat-form send" }, input, el("button", { type: "submit", textContent: "Send" }));
const empty = el("p", { className: "empty", textContent: "Pick a friend in the Friends window and press Message." });
win.body.append(tabs, empty, lines, form, status);
lines.hidden = form.hidden = true; // until a conversation is picked

function showUnread() {
  const total = [...unread.values()].reduce((a, b) => a + b, 0);
  unreadBadge.textContent = total;
  unreadBadge.hidden = total === 0;
  unreadBadge.title = `${total} unread message${total === 1 ? "" : "s"}`;
}

function setUnread(friend, count) {
  unread.set(friend, count);
  if (count) shown.add(friend);
  showUnread();
  window.dispatchEvent(new CustomEvent("hotel:unread", { detail: { friend, count } }));
  renderTabs();
}

function renderTabs() {
  tabs.replaceChildren(...[...shown].map((id) => {
    const name = names.get(id);
    const tab = el("button", { type: "button", className: id === current ? "tab active" : "tab", textContent: name });
    if (unread.get(id)) tab.append(el("span", { className: "count unread", textContent: unread.get(id) }));
    tab.addEventListener("click", () => openConversation(id, name));
    return tab;
  }));
}

function line(message) {
  const mine = message.from.id === me;
  const li = el("li", { className: `line${mine ? " mine" : ""}` },
    el("b", { textContent: `${message.from.name}:` }), ` ${message.text}`);
  li.title = new Date(message.at).toLocaleString();
  return li;
}

function viewing(friend) {
  return win.isOpen && current === friend && document.visibilityState === "visible";
}

export async function openConversation(friendId, name) {
  friendId = Number(friendId);
  current = friendId;
  shown.add(friendId);
  if (name) names.set(friendId, name);
  win.open();
  empty.hidden = true;
  lines.hidden = form.hidden = false;
  lines.replaceChildren(el("li", { className: "line system", textContent: "Opening…" }));
  const response = await fetch(`/friends/api/${friendId}/messages`, { credentials: "same-origin" }).catch(() => null);
  const data = response ? await response.json().catch(() => ({})) : {};
  if (!response || !response.ok) {
    const why = data.message || "The messenger cannot reach the hotel; try again.";
    lines.replaceChildren(el("li", { className: "line system error", textContent: why }));
    return;
  }
  if (current !== friendId) return;
  names.set(friendId, data.friend.name);
  win.title(`Messenger · ${data.friend.name}`);
  lines.replaceChildren(...(data.messages.length ? data.messages.map(line) : [el("li", { className: "line system empty", textContent: "No messages yet: say hello!" })]));
  lines.scrollTop = lines.scrollHeight;
  setUnread(friendId, 0); // reading it marked it read
  input.focus();
}

// The toolbar's Messenger: the conversation with something unread, else the last one.
export function openMessenger() {
  const waiting = [...unread].find(([, count]) => count > 0);
  if (waiting || current) return openConversation(waiting ? waiting[0] : current);
  win.open();
  empty.hidden = false;
}

form.addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text || !current) return;
  status.textContent = "";
  const { ok, answer } = await postJson(`/friends/api/${current}/messages`, { text });
  if (ok) input.value = "";
  else status.textContent = answer.message || "That did not go out; try again.";
});

function append(message) {
  const friend = message.from.id === me ? message.to : message.from.id;
  if (current === friend) {
    lines.querySelector(".empty")?.remove();
    lines.append(line(message));
    lines.scrollTop = lines.scrollHeight;
  }
  return friend;
}

window.addEventListener("hotel:message.sent", (e) => append(e.detail.message));
window.addEventListener("hotel:message.received", (e) => {
  const { message } = e.detail;
  const friend = append(message);
  names.set(friend, message.from.name);
  if (viewing(friend)) {
    getJson(`/friends/api/${friend}/messages`).catch(() => {}); // it was seen: mark it read
    return;
  }
  setUnread(friend, (unread.get(friend) || 0) + 1);
  const popup = toast(`${message.from.name}: ${message.text}`, "message");
  popup.addEventListener("click", () => openConversation(friend, message.from.name));
});

// The counts read after login (friends.js), said once.
window.addEventListener("hotel:unread-total", (e) => {
  const { unread: total, friends } = e.detail;
  friends.forEach((f) => {
    names.set(f.id, f.name);
    unread.set(f.id, f.unread);
    if (f.unread) shown.add(f.id);
  });
  showUnread();
  renderTabs();
  if (total) {
    const popup = toast(`You have ${total} unread message${total === 1 ? "" : "s"}.`, "message");
    const first = friends.find((f) => f.unread);
    popup.addEventListener("click", () => openConversation(first.id, first.name));
  }
});
