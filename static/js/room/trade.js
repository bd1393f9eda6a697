// The trade window (docs/protocol.md, "Trading"): both sides' pieces, this
// player's inventory to add from, Accept, then Confirm once both accepted.
// Every change comes back as a `trade` frame with the whole trade, which the
// window shows as it is; a side is always sent whole (trade_offer).
import { toast } from "../hotel-socket.js";
import { picture } from "../economy.js";
import { button, el, getJson, makeWindow } from "../windows.js";

function pieceCard(piece, action = null) {
  const name = piece.limited ? `${piece.name} #${piece.limited}` : piece.name;
  const card = el("article", { className: "trade-piece" }, picture(piece.item, 56), el("span", { textContent: name }));
  card.dataset.furni = piece.id;
  if (action) card.append(action);
  return card;
}

export function createTrading(room) {
  const { state } = room;
  const win = makeWindow("trade-window", "Trade");
  // The window's × is Cancel: a trade is not left open behind a closed window.
  win.win.querySelector(".window-bar .close").addEventListener("click", () => { if (trade) room.send({ type: "trade_cancel" }); });
  let trade = null; // the last `trade` frame
  let inventory = []; // groups as GET /economy/inventory/ gives them: {item, count, ids}

  const mine = () => trade.users.indexOf(state.me);
  const myIds = () => trade.offers[mine()].map((p) => p.id);
  const offer = (ids) => room.send({ type: "trade_offer", furni: ids });

  async function loadInventory() {
    try {
      inventory = (await getJson("/economy/inventory/")).items;
    } catch {
      inventory = [];
    }
    if (trade) render();
  }

  function side(i, label) {
    const marks = [];
    if (trade.accepted[i]) marks.push(el("span", { className: "mark accepted", textContent: "✓ accepted" }));
    if (trade.confirmed[i]) marks.push(el("span", { className: "mark confirmed", textContent: "✓ confirmed" }));
    const me = i === mine();
    const pieces = trade.offers[i].map((p) => pieceCard(p, me ? button("Remove", () => offer(myIds().filter((id) => id !== p.id)), "secondary") : null));
    return el("section", { className: `trade-side ${me ? "mine" : "theirs"}` },
      el("h3", {}, el("span", { textContent: label }), ...marks),
      el("div", { className: "trade-pieces" }, ...(pieces.length ? pieces : [el("p", { className: "empty", textContent: "Nothing yet." })])));
  }

  function inventoryCards() {
    const offered = new Set(myIds());
    const cards = inventory.map((group) => {
      const left = group.ids.filter((id) => !offered.has(id));
      if (!left.length) return null;
      const add = button("Add", () => offer([...myIds(), left[0]]));
      const card = pieceCard({ id: left[0], name: group.item.name, item: group.item }, add);
      card.dataset.itemId = group.item.id;
      card.querySelector("span").textContent = `${group.item.name} ×${left.length}`;
      return card;
    }).filter(Boolean);
    return cards.length ? cards : [el("p", { className: "empty", textContent: "Nothing else in your inventory." })];
  }

  function stageWords(i, other) {
    const them = trade.names[other];
    if (trade.stage === "confirm") {
      if (trade.confirmed[i]) return `Waiting for ${them} to confirm…`;
      return "Both accepted. Check both sides, then press Confirm.";
    }
    if (trade.accepted[i]) return `You accepted. Waiting for ${them}…`;
    if (trade.accepted[other]) return `${them} accepted. Accept too if it suits you.`;
    return "Add pieces from your inventory, then Accept.";
  }

  function render() {
    const i = mine();
    const other = 1 - i;
    win.title(`Trade with ${trade.names[other]}`);
    const accept = el("input", { type: "checkbox", name: "accept", checked: trade.accepted[i] });
    // Both name the trade as shown: one that changed meanwhile is refused, not agreed to.
    const seen = { trade: trade.trade, revision: trade.revision };
    accept.addEventListener("change", () => room.send({ type: "trade_accept", accepted: accept.checked, ...seen }));
    const confirm = button("Confirm", () => room.send({ type: "trade_confirm", ...seen }));
    confirm.name = "confirm";
    confirm.disabled = trade.stage !== "confirm" || trade.confirmed[i];
    const cancel = button("Cancel", () => room.send({ type: "trade_cancel" }), "secondary");
    win.body.replaceChildren(
      el("p", { className: "trade-stage", textContent: stageWords(i, other) }),
      el("div", { className: "trade-sides" }, side(i, "You offer"), side(other, `${trade.names[other]} offers`)),
      el("h3", { className: "trade-inventory-head", textContent: "Your inventory" }),
      el("div", { className: "trade-pieces trade-inventory" }, ...inventoryCards()),
      el("div", { className: "trade-buttons" }, el("label", { className: "accept" }, accept, " Accept"), confirm, cancel),
    );
    win.win.dataset.stage = trade.stage;
  }

  room.on("trade", (m) => {
    const opening = !trade || trade.trade !== m.trade;
    trade = m;
    if (opening) win.open();
    render();
    if (opening) loadInventory();
  });
  room.on("trade_closed", (m) => {
    if (trade && trade.trade !== m.trade) return;
    trade = null;
    win.close();
    room.notice(m.message);
    room.systemLine(m.message);
  });
  room.on("snapshot", () => { // a new socket: any trade of the old one was closed
    trade = null;
    win.close();
  });
  window.addEventListener("hotel:inventory.changed", () => { if (trade) loadInventory(); });
  window.addEventListener("hotel:trade.completed", (e) => {
    const names = (cards) => cards.map((c) => c.name + (c.limited ? ` #${c.limited}` : "")).join(", ") || "nothing";
    toast(`Trade with ${e.detail.with} done: you got ${names(e.detail.received)} and gave ${names(e.detail.given)}.`);
  });
  window.addEventListener("hotel:trade.refused", (e) => toast(e.detail.message, "warn"));
}
