// The doorbell (docs/protocol.md, "Entering a room that is not open"). For
// those with rights inside: a prompt per visitor who rang, Let in / Not now.
// For the visitor: the answer comes on the hotel socket; let in, the room is
// entered again (a pass waits for a minute). Text only, never HTML.
import { toast } from "../hotel-socket.js";
import { button } from "../windows.js";

export function createDoorbell(room) {
  const prompts = new Map(); // visitor id → their prompt

  function dismiss(user) {
    prompts.get(user)?.remove();
    prompts.delete(user);
  }

  room.on("doorbell", (m) => {
    if (!room.mayFurnish() || prompts.has(m.user)) return;
    const prompt = toast(`${m.name} rang the doorbell.`, "doorbell", { sticky: true });
    prompt.dataset.visitor = m.user;
    const answer = (letIn) => () => {
      room.send({ type: "doorbell_answer", user: m.user, let_in: letIn });
      dismiss(m.user);
    };
    prompt.append(button("Let in", answer(true)), button("Not now", answer(false), "secondary"));
    prompts.set(m.user, prompt);
  });
  room.on("doorbell_answered", (m) => dismiss(m.user));
  window.addEventListener("hotel:room-left", () => [...prompts.keys()].forEach(dismiss));

  window.addEventListener("hotel:doorbell.answered", (e) => {
    const { room: at, let_in: letIn } = e.detail;
    if (!room.ringing(at.id)) return;
    if (letIn) room.reconnect();
    else room.final("Nobody let you in this time.");
  });
}
