// The catalogue and inventory windows and the live credits, on every page
// (docs/protocol.md, "The economy"). Buying is two steps (Buy → Confirm); a
// confirmed purchase has its own key, kept when Confirm is clicked again after
// an error (a purchase the hotel did not confirm in time may still be done:
// the same key buys once), so a double click or a retry buys once; after a
// refusal, confirming again is a new purchase.
// The outcome comes on the hotel socket. Text only, never HTML.
import { toast, whenConnected } from "./hotel-socket.js";
import { clickKey, el, getJson, makeWindow, postJson } from "./windows.js";
import { drawPicture } from "./room/furniture.js";

const credits = document.getElementById("credits");
const buying = new Map(); // click key → the window's status line waiting for the outcome

function showCredits(balance) {
  if (credits) credits.textContent = balance;
}

export function picture(item, size = 72) {
  const canvas = el("canvas", { width: size, height: size, className: "picture" });
  drawPicture(canvas, item);
  return canvas;
}

// -- the catalogue -------------------------------------------------------------

const catalogue = makeWindow("catalogue-window", "Catalogue");
let pages = [];

async function openCatalogue() {
  catalogue.open();
  if (!pages.length) {
    catalogue.body.replaceChildren(el("p", { className: "empty", textContent: "Opening the catalogue…" }));
    pages = (await getJson("/economy/catalog/")).pages;
  }
  renderCatalogue(pages[0]?.id);
}

function renderCatalogue(pageId) {
  const page = pages.find((p) => p.id === pageId) || pages[0];
  const tabs = el("nav", { className: "catalogue-pages" }, ...pages.map((p) => {
    const tab = el("button", { type: "button", textContent: p.name, className: p === page ? "tab active" : "tab" });
    tab.addEventListener("click", () => renderCatalogue(p.id));
    return tab;
  }));
  const offers = el("div", { className: "offers" }, ...(page ? page.offers.map(offerCard) : []));
  const head = el("p", { className: "page-description", textContent: page ? page.description : "The catalogue is empty." });
  catalogue.body.replaceChildren(tabs, el("div", { className: "catalogue-page" }, head, offers));
}

function offerCard(offer) {
  const { item } = offer;
  const name = offer.amount > 1 ? `${item.name} ×${offer.amount}` : item.name;
  const facts = [`${offer.price} credits`];
  if (offer.limited) facts.push(`limited: ${offer.limited.stock - offer.limited.sold} of ${offer.limited.stock} left`);
  const buy = el("button", { type: "button", textContent: "Buy" });
  const card = el("article", { className: "offer" },
    picture(item), el("b", { textContent: name }), el("span", { className: "price", textContent: facts.join(" · ") }), buy);
  card.dataset.offerId = offer.id;
  buy.addEventListener("click", () => confirmPurchase(card, offer, name));
  return card;
}

function confirmPurchase(card, offer, name) {
  card.querySelector(".confirm")?.remove();
  const giftTo = el("input", { type: "text", name: "gift_to", placeholder: "a friend's name (for a gift)", maxLength: 150 });
  const note = el("input", { type: "text", name: "note", placeholder: "gift note", maxLength: 300, hidden: true });
  giftTo.addEventListener("input", () => { note.hidden = !giftTo.value.trim(); });
  const ok = el("button", { type: "button", textContent: "Confirm" });
  const cancel = el("button", { type: "button", textContent: "Cancel", className: "secondary" });
  const status = el("p", { className: "status", ariaLive: "polite" });
  const box = el("div", { className: "confirm" },
    el("p", { textContent: `Buy ${name} for ${offer.price} credits?` }), giftTo, note, el("div", { className: "buttons" }, ok, cancel), status);
  cancel.addEventListener("click", () => box.remove());
  let attempt = null; // {key, what}: this purchase's key, until what is bought changes
  ok.addEventListener("click", async () => {
    ok.disabled = true;
    const gift = giftTo.value.trim() ? { gift_to: giftTo.value.trim(), note: note.value } : {};
    const what = JSON.stringify(gift);
    if (attempt?.what !== what) attempt = { key: clickKey(), what };
    const key = attempt.key;
    const body = { offer: offer.id, quantity: 1, key, ...gift };
    status.textContent = "Buying…";
    // A refusal is final for this key: confirming again (credits came since) is a new purchase.
    status.forget = () => { attempt = null; };
    buying.set(key, status);
    const { ok: accepted, answer } = await postJson("/economy/purchase/", body);
    if (!accepted) {
      buying.delete(key);
      status.textContent = answer.message || "That did not work; try again.";
      ok.disabled = false;
    }
  });
  card.append(box);
}

// -- the inventory -------------------------------------------------------------------

const inventory = makeWindow("inventory-window", "Inventory");

export function openInventory() {
  inventory.open();
  return showInventory();
}

async function showInventory() {
  const { items } = await getJson("/economy/inventory/");
  if (!items.length) {
    inventory.body.replaceChildren(el("p", { className: "empty", textContent: "Nothing yet: the catalogue has plenty." }));
    return;
  }
  inventory.body.replaceChildren(el("div", { className: "offers" }, ...items.map((group) => {
    const card = el("article", { className: "offer" }, picture(group.item),
      el("b", { textContent: group.item.name }), el("span", { className: "count", textContent: `×${group.count}` }));
    card.dataset.itemId = group.item.id;
    window.dispatchEvent(new CustomEvent("hotel:inventory-card", { detail: { card, group } }));
    return card;
  })));
}

// Pieces came or went (placed, picked up, traded), or the room changed
// whether this player may place (its Place buttons, static/js/room/furnishing.js).
window.addEventListener("hotel:inventory.changed", () => { if (inventory.isOpen) showInventory(); });
window.addEventListener("hotel:inventory-refresh", () => { if (inventory.isOpen) showInventory(); });

// -- outcomes on the hotel socket ------------------------------------------------------

window.addEventListener("hotel:purchase.completed", (e) => {
  const { purchase, balance, items, gift_to: giftTo } = e.detail;
  showCredits(balance);
  const status = buying.get(purchase);
  const what = giftTo ? `Sent to ${giftTo} as a gift.` : `Bought: ${items.map((i) => i.name + (i.limited ? ` #${i.limited}` : "")).join(", ")}.`;
  if (status) { status.textContent = what; buying.delete(purchase); }
  toast(what);
  pages = []; // limited stock moved
  if (inventory.isOpen) showInventory();
});
window.addEventListener("hotel:purchase.refused", (e) => {
  const status = buying.get(e.detail.purchase);
  if (status) {
    status.textContent = e.detail.message;
    status.forget();
    status.closest(".confirm")?.querySelector("button")?.removeAttribute("disabled");
    buying.delete(e.detail.purchase);
  } else {
    toast(e.detail.message, "warn");
  }
});
window.addEventListener("hotel:credits.changed", (e) => {
  showCredits(e.detail.balance);
  const why = e.detail.reason === "daily" ? "Your daily bonus" : "A gift from the staff";
  toast(`${why}: ${e.detail.amount} credits.${e.detail.note ? ` “${e.detail.note}”` : ""}`);
});

const giftsShown = new Set();
function giftPopup(gift) {
  if (giftsShown.has(gift.gift)) return; // a notice can come twice after a consumer restart
  giftsShown.add(gift.gift);
  const names = gift.items.map((i) => i.name).join(", ");
  const popup = toast(`${gift.from} sent you a gift: ${names}.${gift.note ? ` “${gift.note}”` : ""}`, "gift", { sticky: true });
  const thanks = el("button", { type: "button", textContent: "Thanks!" });
  thanks.addEventListener("click", () => { popup.remove(); postJson(`/economy/gifts/${gift.gift}/open/`); });
  popup.append(thanks);
}
window.addEventListener("hotel:gift.received", (e) => giftPopup(e.detail));

// The balance as it is now, today's bonus, and the gifts that came while away.
async function refresh() {
  try {
    const wallet = await getJson("/economy/wallet/");
    showCredits(wallet.credits);
    wallet.gifts.forEach(giftPopup);
  } catch { /* offline: the socket's reconnect brings us back here */ }
}
whenConnected(refresh);

document.getElementById("open-catalogue")?.addEventListener("click", openCatalogue);
document.getElementById("open-inventory")?.addEventListener("click", openInventory);
