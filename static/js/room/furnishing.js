// Furnishing a room (docs/protocol.md, "Furniture in rooms"): placing a
// piece from the inventory or moving a placed one (a see-through ghost
// follows the mouse over the tiles; R turns it, Esc cancels, a click puts
// it there) and the panel of a placed piece (turn, move, pick up).
// What happens comes to everyone as furni_* frames; a refusal as an error
// frame at once or, rarely, as the hotel notice furni.refused.
import { covers, tilesOf, topOf } from "./furniture.js";
import { button, el } from "../windows.js";

const FITS = { tint: "#4ade80", floor: "#bbf7d0" };
const DOES_NOT_FIT = { tint: "#f87171", floor: "#fecaca" };

// The next of a kind's rotations after `rotation`.
function nextRotation(item, rotation) {
  const turns = item.rotations?.length ? item.rotations : [0];
  return turns[(turns.indexOf(rotation) + 1) % turns.length];
}

export function createFurnishing(room) {
  const { state } = room;
  const bar = document.getElementById("placement-bar");
  const panel = document.getElementById("piece-panel");
  // While placing: {action: "place"|"move", furni, item (the kind or the placed piece), rotation, tile}.
  let placing = null;
  let selected = null; // the id of the piece whose panel is open
  const sent = new Set(); // inventory pieces sent to be placed: a second Place takes another one

  // May I move or turn it (its owner with rights, or the room's owner)? Pick it up (its owner or the room's)?
  const mayMove = (piece) => room.isOwner() || (piece.owner === state.me && room.mayFurnish());
  const mayPickUp = (piece) => room.isOwner() || piece.owner === state.me;

  // Where the piece would stand with its corner on `tile`: the client's own
  // reading of the rules (rooms/placement.py); the server has the last word.
  function fit(tile) {
    const piece = { ...placing.item, x: tile.x, y: tile.y, rotation: placing.rotation, z: 0 };
    const tiles = tilesOf(piece);
    const plan = state.plan;
    let ok = tiles.every(([x, y]) => plan.isTile(x, y)) && !tiles.some(([x, y]) => state.door && x === state.door[0] && y === state.door[1])
      && new Set(tiles.map(([x, y]) => plan.height(x, y))).size === 1;
    const tops = new Map(tiles.map(([x, y]) => [`${x},${y}`, 0]));
    for (const f of state.furniture) {
      if (placing.action === "move" && f.id === placing.furni) continue;
      for (const [x, y] of tiles) {
        if (!covers(f, x, y)) continue;
        if (!f.can_stack) ok = false;
        tops.set(`${x},${y}`, Math.max(tops.get(`${x},${y}`), topOf(f)));
      }
    }
    if (new Set(tops.values()).size !== 1) ok = false;
    piece.z = Math.max(...tops.values());
    return { piece, tiles, ok };
  }

  function showBar() {
    if (!placing) {
      bar.hidden = true;
      return;
    }
    const what = placing.action === "move" ? `Moving ${placing.item.name}` : `Placing ${placing.item.name}`;
    const turns = (placing.item.rotations || [0]).length > 1;
    bar.replaceChildren(
      el("span", { textContent: `${what}: click a tile.` }),
      ...(turns ? [button("Turn (R)", () => turn(), "secondary")] : []),
      button("Cancel (Esc)", () => cancel(), "secondary"),
    );
    bar.hidden = false;
  }

  function start(action, furni, item, rotation) {
    if (!room.mayFurnish() && !(action === "move" && room.isOwner())) return room.notice("You need rights in this room to do that.", "warn");
    select(null);
    placing = { action, furni, item, rotation, tile: state.hover };
    showBar();
  }

  function turn() {
    if (!placing) return;
    placing.rotation = nextRotation(placing.item, placing.rotation);
    showBar();
  }

  function cancel() {
    placing = null;
    showBar();
  }

  function drop(tile) {
    if (!placing || !tile) return;
    const { action, furni, rotation } = placing;
    room.send({ type: action, furni, x: tile.x, y: tile.y, rotation });
    if (action === "place") sent.add(furni);
    cancel();
  }

  // -- the panel of a placed piece ---------------------------------------------

  function select(piece) {
    selected = piece && (mayMove(piece) || mayPickUp(piece)) ? piece.id : null;
    showPanel();
  }

  function showPanel() {
    const piece = state.furniture.find((f) => f.id === selected);
    if (!piece) {
      selected = null;
      panel.hidden = true;
      return;
    }
    const buttons = [];
    if (mayMove(piece)) {
      if ((piece.rotations || []).length > 1) {
        buttons.push(button("Rotate", () => room.send({ type: "move", furni: piece.id, x: piece.x, y: piece.y, rotation: nextRotation(piece, piece.rotation) })));
      }
      buttons.push(button("Move", () => start("move", piece.id, piece, piece.rotation)));
    }
    if (mayPickUp(piece)) {
      buttons.push(button("Pick up", () => { room.send({ type: "pickup", furni: piece.id }); select(null); }));
    }
    const whose = piece.owner === state.me ? "yours" : `${state.avatars.get(piece.owner)?.name ?? "someone else"}’s`;
    panel.replaceChildren(
      el("header", {}, el("b", { textContent: piece.name }), button("×", () => select(null), "close")),
      el("p", { className: "meta", textContent: whose }),
      el("div", { className: "buttons" }, ...buttons),
    );
    panel.dataset.furni = piece.id;
    panel.hidden = false;
  }

  // -- the inventory window's cards get a Place button (economy.js asks) ------------

  window.addEventListener("hotel:inventory-card", (e) => {
    const { card, group } = e.detail;
    if (!state.plan || !room.mayFurnish()) return;
    const place = button("Place", () => {
      const furni = group.ids.find((id) => !sent.has(id));
      if (furni === undefined) return room.notice("That is on its way into the room already.");
      window.dispatchEvent(new CustomEvent("hotel:place-piece", { detail: { furni, item: group.item } }));
    });
    place.className = "place";
    card.append(place);
  });
  window.addEventListener("hotel:place-piece", (e) => {
    const { furni, item } = e.detail;
    document.getElementById("inventory-window")?.setAttribute("hidden", ""); // out of the way of the room
    start("place", furni, item, item.rotations?.[0] ?? 0);
  });
  window.addEventListener("hotel:inventory.changed", (e) => {
    for (const id of e.detail.removed || []) sent.delete(id);
  });
  window.addEventListener("hotel:furni.refused", (e) => {
    sent.delete(e.detail.furni);
    room.notice(e.detail.message, "warn");
  });

  let mayFurnishBefore = null;

  return {
    placing: () => (placing ? { action: placing.action, furni: placing.furni, rotation: placing.rotation } : null),
    drop,
    turn,
    cancel,
    select,
    hover(tile) {
      if (placing) placing.tile = tile;
    },
    // After a snapshot or a furniture or rights change.
    changed() {
      if (placing && !room.mayFurnish() && !room.isOwner()) cancel();
      if (placing && placing.action === "move" && !state.furniture.some((f) => f.id === placing.furni)) cancel();
      showPanel();
      const may = room.mayFurnish();
      if (may !== mayFurnishBefore) {
        mayFurnishBefore = may;
        window.dispatchEvent(new CustomEvent("hotel:inventory-refresh")); // Place buttons come or go
      }
    },
    // An error frame: whatever was sent to be placed may still be in the inventory.
    refused() {
      sent.clear();
    },
    // What the renderer adds to the scene: the ghost, its tiles, the piece in hand.
    scene() {
      if (placing && placing.tile && state.plan) {
        const { piece, tiles, ok } = fit(placing.tile);
        const look = ok ? FITS : DOES_NOT_FIT;
        return {
          ghost: { piece, tint: look.tint },
          marks: [{ tiles, colour: look.floor }],
          hidden: placing.action === "move" ? placing.furni : null,
        };
      }
      const piece = selected && state.furniture.find((f) => f.id === selected);
      if (piece) return { marks: [{ tiles: tilesOf(piece), colour: "#bfdbfe" }], hidden: placing?.action === "move" ? placing.furni : null };
      return { hidden: placing?.action === "move" ? placing.furni : null };
    },
  };
}
