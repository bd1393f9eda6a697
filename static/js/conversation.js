// A conversation page: new messages between these two friends appear live.
const box = document.getElementById("conversation");
const list = document.getElementById("messages");
const friend = Number(box.dataset.friendId);
const me = Number(box.dataset.me);

function append(message) {
  const between = (message.from.id === friend && message.to === me) || (message.from.id === me && message.to === friend);
  if (!between) return;
  list.querySelector(".empty")?.remove();
  const li = document.createElement("li");
  li.className = `line${message.from.id === me ? " mine" : ""}`;
  const who = document.createElement("b");
  who.textContent = `${message.from.name}:`;
  li.append(who, document.createTextNode(` ${message.text}`)); // text, never HTML
  list.append(li);
  list.scrollTop = list.scrollHeight;
}

window.addEventListener("hotel:message.received", (e) => append(e.detail.message));
window.addEventListener("hotel:message.sent", (e) => append(e.detail.message));
