// The chat bar's Dance button (#dance): starts a dance (each time the next of
// the four, figure.js DANCES) or stops the one going on. A walk ends a dance
// too (docs/protocol.md, `dance`); the button follows what the room says.
import { DANCES } from "./figure.js";

export function createDancing(room) {
  const button = document.getElementById("dance");
  if (!button) return;
  const styles = Object.keys(DANCES).map(Number);
  let next = 0; // the index in styles of the dance the next click starts
  const mine = () => room.state.avatars.get(room.state.me);

  function show() {
    const style = mine()?.dance || 0;
    button.textContent = style ? "Stop dancing" : "Dance";
    button.title = style ? `Dancing: ${DANCES[style]}` : "Dance until you walk";
    button.setAttribute("aria-pressed", String(Boolean(style)));
  }

  button.addEventListener("click", () => {
    if (mine()?.dance) return room.send({ type: "dance", style: 0 });
    room.send({ type: "dance", style: styles[next] });
    next = (next + 1) % styles.length;
  });
  for (const type of ["snapshot", "dance", "walk"]) room.on(type, show);
}
