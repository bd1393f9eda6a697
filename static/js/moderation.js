// What a moderator's action looks like to the player (docs/protocol.md,
// "Moderation"): an alert in a box over everything that must be closed with
// OK before playing on; a mute or trade lock, its lifting and the answer to a
// report as notices; a kick or a ban explained in a box (a ban then leads to
// the login page, which says it again). On every page of the game. Text
// only, never HTML.
import { toast } from "./hotel-socket.js";
import { button, el, getJson, postJson } from "./windows.js";

// A modal box (a <dialog> in the top layer: the page behind takes no clicks
// or keys); resolves when OK is pressed. Escape does not close it.
export function messageBox({ title, text, ok = "OK", kind = "alert" }) {
  return new Promise((resolve) => {
    const close = button(ok, () => {
      dialog.close();
      dialog.remove();
      resolve();
    });
    const dialog = el("dialog", { className: `message-box ${kind}` },
      el("h2", { textContent: title }), el("p", { className: "message", textContent: text }), close);
    dialog.setAttribute("aria-label", title);
    dialog.addEventListener("cancel", (e) => e.preventDefault());
    document.body.append(dialog);
    dialog.showModal();
    close.focus();
  });
}

// A notice that stays until the player has read it.
function lasting(text, kind) {
  const notice = toast(text, kind, { sticky: true });
  notice.append(button("OK", () => notice.remove()));
  return notice;
}

export function showKicked(message) {
  return messageBox({ title: "Sent out of the room", text: message, kind: "kicked" });
}

// Both sockets of a page say it (the hotel's and the room's): one box.
let banned = false;
export function showBanned(message) {
  if (banned) return;
  banned = true;
  messageBox({ title: "You are banned", text: message, ok: "To the login page", kind: "banned" })
    .then(() => location.assign("/login/"));
}

// An alert stays until the player closes it: one that came while they were
// away shows at their next page, and closing one tells the hotel.
const alerted = new Set();
async function showAlert({ id, message }) {
  if (alerted.has(id)) return;
  alerted.add(id);
  await messageBox({ title: "A message from the moderators", text: message });
  await postJson(`/moderation/alerts/${id}/seen`);
}
window.addEventListener("hotel:moderation.alert", (e) => showAlert(e.detail));
getJson("/moderation/alerts").then(({ alerts }) => alerts.forEach(showAlert), () => {});
window.addEventListener("hotel:moderation.sanctioned", (e) => lasting(e.detail.message, "warn sanction"));
window.addEventListener("hotel:moderation.lifted", (e) => toast(e.detail.message));
window.addEventListener("hotel:moderation.banned", (e) => showBanned(e.detail.message));

const answered = new Set(); // a notice can come twice after a consumer restart
window.addEventListener("hotel:help.closed", (e) => {
  if (answered.has(e.detail.ticket_id)) return;
  answered.add(e.detail.ticket_id);
  lasting(e.detail.message, `help ${e.detail.outcome}`).dataset.ticket = e.detail.ticket_id;
});
