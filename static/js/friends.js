// The friends list, kept live: who is online and in which room (with a
// Follow link), new friends as they accept. Text only, never HTML.
const list = document.getElementById("friend-list");

function describe(status) {
  if (status.room) return `in ${status.room.name}`;
  return status.online ? "online" : "offline";
}

function row(friend) {
  let li = list.querySelector(`li[data-friend-id="${friend.id}"]`);
  if (!li && friend.name) {
    list.querySelector(".empty")?.remove();
    li = document.createElement("li");
    li.dataset.friendId = friend.id;
    const name = document.createElement("b");
    name.className = "name";
    name.textContent = friend.name;
    const status = document.createElement("span");
    status.className = "status";
    const follow = document.createElement("a");
    follow.className = "follow";
    follow.textContent = "Follow";
    li.append(name, " ", status, " ", follow);
    list.append(li);
  }
  return li;
}

function show(friend) {
  const li = row(friend);
  if (!li || friend.online === undefined) return;
  li.querySelector(".status").textContent = describe(friend);
  const follow = li.querySelector(".follow");
  follow.hidden = !friend.room;
  follow.href = friend.room ? friend.room.url : "#";
}

window.addEventListener("hotel:friend.presence", (e) => show(e.detail.friend));
window.addEventListener("hotel:friend.accepted", (e) => show(e.detail.friend));
window.addEventListener("hotel:friend.removed", (e) => {
  list.querySelector(`li[data-friend-id="${e.detail.friend.id}"]`)?.remove();
});
