// The hotel socket: notices for this player (room created, later friend
// requests ...). Reconnects with backoff and says so. Other scripts listen
// for `hotel:<type>` events on window.

const toasts = document.getElementById("toasts");

export function toast(text, kind = "info", { sticky = false } = {}) {
  const el = document.createElement("div");
  el.className = `toast ${kind}`;
  el.textContent = text; // always text, never HTML
  toasts.append(el);
  if (!sticky) setTimeout(() => el.remove(), 6000);
  return el;
}

let delay = 500;
let offline = null;

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/hotel/`);
  socket.addEventListener("open", () => {
    delay = 500;
    if (offline) { offline.remove(); offline = null; toast("Reconnected."); }
    window.dispatchEvent(new CustomEvent("hotel:connected"));
  });
  socket.addEventListener("message", (e) => {
    const message = JSON.parse(e.data);
    window.dispatchEvent(new CustomEvent(`hotel:${message.type}`, { detail: message }));
  });
  socket.addEventListener("close", (e) => {
    if (e.code === 4401) return; // logged out: nothing to reconnect to
    if (!offline) offline = toast("Connection lost, reconnecting…", "warn", { sticky: true });
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 15000);
  });
}

connect();

window.addEventListener("hotel:room.created", (e) => toast(`Your room “${e.detail.room.name}” is ready.`));

export function csrfToken() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function answer(requestId, verb) {
  const response = await fetch(`/friends/requests/${requestId}/${verb}`, {
    method: "POST", headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin",
  });
  if (!response.ok) toast("That did not work; try again from the Friends page.", "warn");
}

// The popup: "A wants to be friends", with Accept / Decline.
window.addEventListener("hotel:friend.requested", (e) => {
  const { request } = e.detail;
  // After a consumer restart a push can come twice: one popup per request.
  if (document.querySelector(`.friend-request[data-request-id="${request.id}"]`)) return;
  const el = toast(`${request.from.name} wants to be friends`, "info", { sticky: true });
  el.classList.add("friend-request");
  el.dataset.requestId = request.id;
  for (const [label, verb] of [["Accept", "accept"], ["Decline", "decline"]]) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", () => { el.remove(); answer(request.id, verb); });
    el.append(button);
  }
});
window.addEventListener("hotel:friend.accepted", (e) => toast(`You and ${e.detail.friend.name} are now friends.`));
window.addEventListener("hotel:friend.refused", (e) => toast(e.detail.message, "warn"));
window.addEventListener("hotel:message.received", (e) => {
  const { message } = e.detail;
  if (document.getElementById("conversation")) return; // the page shows it
  const el = toast(`${message.from.name}: ${message.text}`, "info");
  el.addEventListener("click", () => location.assign(`/friends/${message.from.id}/messages`));
});
