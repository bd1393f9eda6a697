// The card of another avatar, opened by clicking it: its name, Trade, and
// for the room's owner Give rights / Take rights (docs/protocol.md).
function button(label, onClick, className = "") {
  const b = Object.assign(document.createElement("button"), { type: "button", textContent: label, className });
  b.addEventListener("click", onClick);
  return b;
}

export function createAvatarCard(room) {
  const { state } = room;
  const card = document.getElementById("avatar-card");
  let shown = null; // the user id whose card is open

  function render() {
    const a = state.avatars.get(shown);
    if (!a) return close();
    const name = Object.assign(document.createElement("b"), { textContent: a.name });
    const buttons = [button("Trade", () => { room.send({ type: "trade_open", user: a.id }); close(); })];
    if (room.isOwner()) {
      const has = state.rights.has(a.id);
      buttons.push(button(has ? "Take rights" : "Give rights", () => room.send({ type: "rights", user: a.id, granted: !has }), "secondary"));
    }
    const head = document.createElement("header");
    head.append(name, button("×", close, "close"));
    const row = document.createElement("div");
    row.className = "buttons";
    row.append(...buttons);
    card.replaceChildren(head, row);
    card.dataset.user = a.id;
    card.hidden = false;
    // Beside the avatar's head, kept on the stage.
    const at = room.onStage(a.hit ? a.hit.x1 : a.screen?.x ?? 0, a.hit ? a.hit.y0 : a.screen?.y ?? 0);
    const maxX = room.stage.clientWidth - card.offsetWidth - 4;
    card.style.left = `${Math.max(4, Math.min(maxX, at.x + 6))}px`;
    card.style.top = `${Math.max(4, at.y)}px`;
  }

  function close() {
    shown = null;
    card.hidden = true;
  }

  return {
    open(avatar) {
      shown = avatar.id;
      render();
    },
    close,
    changed() {
      if (shown !== null) render();
    },
  };
}
