// The game screen's toolbar: each button opens its window over the stage
// (the room socket stays open). A page can ask for one at load (hotel.html's
// #open-on-load: the navigator, friends, a conversation).
import { openNavigator } from "./navigator.js";
import { openFriends } from "./friends.js";
import { openConversation, openMessenger } from "./messenger.js";
import { opens } from "./windows.js";
import "./looks.js"; // binds the toolbar's Looks itself

opens("open-navigator", () => openNavigator());
opens("open-friends", () => openFriends());
opens("open-messenger", () => openMessenger());

// Without a room on the page (an error page), going somewhere is loading it.
if (!document.getElementById("room")) {
  window.addEventListener("hotel:go", (e) => location.assign(e.detail.url));
}

const onLoad = document.getElementById("open-on-load")?.dataset || {};
if (onLoad.window === "navigator") openNavigator(document.getElementById("create-room")?.querySelector(".errorlist") ? "create" : undefined);
if (onLoad.window === "friends") openFriends(onLoad.query);
if (onLoad.window === "messenger" && onLoad.friend) openConversation(onLoad.friend);
