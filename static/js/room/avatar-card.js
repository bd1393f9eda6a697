// The card of an avatar, opened by clicking it: its name, a picture of its
// looks and its motto; for another player Add friend, Whisper, Trade and
// (for the room's owner) Give rights / Take rights, Report, and for
// moderators Moderate (staff-tools.js); for yourself Edit looks
// (docs/protocol.md). Text only, never HTML.
import { drawFigure } from "./figure.js";
import { openLooks } from "../looks.js";
import { openReport } from "../report.js";
import { isModerator, moderatePanel } from "../staff-tools.js";
import { button, postJson } from "../windows.js";

const PICTURE = { width: 84, height: 124, scale: 1.35 };
const UNREACHABLE = "The hotel cannot send that request right now; try again.";

export function createAvatarCard(room) {
  const { state } = room;
  const card = document.getElementById("avatar-card");
  let shown = null; // the user id whose card is open
  let answer = null; // what the hotel said to this card's last Add friend: {text, ok}
  let moderating = null; // the open card's Moderate panel, kept (with its reason) across redraws
  let wanted = { x: 0, y: 0 }; // where the card would be: beside the avatar

  async function addFriend(a) {
    let said = { ok: false, text: UNREACHABLE };
    try {
      const { ok, answer: body } = await postJson("/friends/api/request", { username: a.name });
      said = { ok, text: body.message || UNREACHABLE };
    } catch { /* the network: said as unreachable */ }
    if (shown !== a.id) return;
    answer = said;
    render();
  }

  function whisperTo(a) {
    const form = document.getElementById("chat-form");
    if (!form) return;
    form.elements.kind.value = "whisper";
    form.elements.kind.dispatchEvent(new Event("change"));
    form.elements.to.value = a.name;
    form.elements.text.focus();
    close();
  }

  function buttonsFor(a) {
    if (a.me) return [button("Edit looks and motto", () => { close(); openLooks(); }, "edit-looks")];
    const buttons = [
      button("Add friend", () => addFriend(a), "add-friend"),
      button("Whisper", () => whisperTo(a), "whisper secondary"),
      button("Trade", () => { room.send({ type: "trade_open", user: a.id }); close(); }, "secondary"),
    ];
    if (room.isOwner()) {
      const has = state.rights.has(a.id);
      buttons.push(button(has ? "Take rights" : "Give rights", () => room.send({ type: "rights", user: a.id, granted: !has }), "secondary"));
    }
    buttons.push(button("Report", () => {
      openReport(`Report ${a.name} to the moderators.`, { about: "player", user_id: a.id, room_id: room.id() });
      close();
    }, "report secondary"));
    if (isModerator()) {
      buttons.push(button("Moderate", () => {
        moderating = moderating ? null : moderatePanel({ id: a.id, name: a.name });
        render();
      }, "moderate-open secondary"));
    }
    return buttons;
  }

  function picture(a) {
    const canvas = Object.assign(document.createElement("canvas"), { width: PICTURE.width, height: PICTURE.height, className: "look" });
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `${a.name}'s looks`);
    const ctx = canvas.getContext("2d");
    ctx.scale(PICTURE.scale, PICTURE.scale);
    drawFigure(ctx, a.figure, PICTURE.width / 2 / PICTURE.scale, (PICTURE.height - 8) / PICTURE.scale, { dir: 2 });
    return canvas;
  }

  function render() {
    const a = state.avatars.get(shown);
    if (!a) return close();
    const name = Object.assign(document.createElement("b"), { textContent: a.name + (a.me ? " (you)" : ""), className: "name" });
    const head = document.createElement("header");
    head.append(name, button("×", close, "close"));
    const motto = Object.assign(document.createElement("p"), { className: a.motto ? "motto" : "motto empty" });
    motto.textContent = a.motto || (a.me ? "No motto yet: write one in Edit looks." : "No motto yet.");
    const about = document.createElement("div");
    about.className = "about";
    about.append(picture(a), motto);
    const row = document.createElement("div");
    row.className = "buttons";
    row.append(...buttonsFor(a));
    const parts = [head, about, row];
    if (answer) {
      const said = Object.assign(document.createElement("p"), { className: answer.ok ? "said" : "said error", textContent: answer.text });
      said.setAttribute("role", "status");
      parts.push(said);
    }
    // The Moderate panel stays where it is: taking it out would take the focus from its reason box.
    [...card.childNodes].forEach((node) => { if (node !== moderating) node.remove(); });
    card.prepend(...parts);
    if (moderating && moderating.parentNode !== card) card.append(moderating);
    card.dataset.user = a.id;
    card.classList.toggle("moderating", moderating !== null);
    card.hidden = false;
    // Beside the avatar's head, kept on the stage.
    const at = room.onStage(a.hit ? a.hit.x1 : a.screen?.x ?? 0, a.hit ? a.hit.y0 : a.screen?.y ?? 0);
    wanted = { x: at.x + 6, y: at.y };
    keepOnStage();
  }

  function keepOnStage() {
    const maxX = room.stage.clientWidth - card.offsetWidth - 4;
    const maxY = room.stage.clientHeight - card.offsetHeight - 4;
    card.style.left = `${Math.max(4, Math.min(maxX, wanted.x))}px`;
    card.style.top = `${Math.max(4, Math.min(maxY, wanted.y))}px`;
  }
  // The Moderate panel grows when the player's record comes: the card stays on the stage.
  new ResizeObserver(() => { if (!card.hidden) keepOnStage(); }).observe(card);

  function close() {
    shown = null;
    moderating = null;
    card.hidden = true;
  }

  return {
    open(avatar) {
      if (avatar.id !== shown) moderating = null;
      shown = avatar.id;
      answer = null;
      render();
    },
    close,
    changed() {
      if (shown !== null) render();
    },
  };
}
