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
let connected = false;
const onOpen = [];

// fn runs now if the socket is open, and each time it (re)opens: what came
// while this page was away is read then. (A module loaded after the socket
// opened would miss an event.)
export function whenConnected(fn) {
  onOpen.push(fn);
  if (connected) fn();
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/hotel/`);
  socket.addEventListener("open", () => {
    delay = 500;
    if (offline) { offline.remove(); offline = null; toast("Reconnected."); }
    connected = true;
    onOpen.forEach((fn) => fn());
  });
  socket.addEventListener("message", (e) => {
    const message = JSON.parse(e.data);
    window.dispatchEvent(new CustomEvent(`hotel:${message.type}`, { detail: message }));
  });
  socket.addEventListener("close", (e) => {
    connected = false;
    // Logged out, or banned (moderation.js says why): nothing to reconnect to.
    if (e.code === 4401 || e.code === 4412) return;
    if (!offline) offline = toast("Connection lost, reconnecting…", "warn", { sticky: true });
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, 15000);
  });
}

connect();

export function csrfToken() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}
