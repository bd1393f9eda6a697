// Moderators' tools in the game (docs/protocol.md, "Moderation"): on another
// player's avatar card, what is in force against them, their last sanctions
// and the next default step, with a reason and a button per action; in the
// room info window, the actions on a room. Drawn only for moderators
// (body[data-moderator]); the server checks every action again. An action is
// applied by the moderation consumer a moment after it is sent, so the
// player's record is read again until it shows. Text only, never HTML.
import { button, el, getJson, postJson } from "./windows.js";

const REASON_MAX = 200;
const UNREACHABLE = "The hotel cannot take that right now; nothing was done. Try again.";
const SHORT = [[5, "5 min"], [15, "15 min"], [60, "1 h"], [1440, "24 h"]];
const BAN = [[60, "1 h"], [1440, "24 h"], [10080, "7 days"], ["", "for good"]];
const REREAD_MS = 500;
const REREADS = 10;

export const isModerator = () => document.body.dataset.moderator !== undefined;

const when = (iso) => new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "short" });

function reasonBox() {
  return el("input", { name: "reason", maxLength: REASON_MAX, placeholder: "Reason (the player reads it)",
    ariaLabel: "reason", autocomplete: "off" });
}

function durations(name, what, choices, chosen) {
  const select = el("select", { name, ariaLabel: `${what} for how long` },
    ...choices.map(([value, label]) => el("option", { value: String(value), textContent: label })));
  select.value = String(chosen);
  return select;
}

// POST an action with the reason; says the answer in `said`; true when sent.
// The tool's buttons wait meanwhile.
async function act(url, body, reason, said, tool) {
  if (!reason.value.trim()) {
    said.className = "said error";
    said.textContent = "Give a reason first: the player reads it.";
    reason.focus();
    return false;
  }
  const buttons = [...tool.querySelectorAll("button")];
  buttons.forEach((b) => { b.disabled = true; });
  let result = { ok: false, answer: {} };
  try {
    result = await postJson(url, { ...body, reason: reason.value.trim() });
  } catch { /* the network: said as unreachable */ }
  buttons.forEach((b) => { b.disabled = false; });
  said.className = result.ok ? "said" : "said error";
  said.textContent = result.answer.message || UNREACHABLE;
  return result.ok;
}

// -- a player: the Moderate panel of the avatar card ---------------------------------

function inForce(card) {
  const parts = [];
  if (card.banned) parts.push("Banned.");
  if (card.muted_until) parts.push(`Muted until ${when(card.muted_until)}.`);
  if (card.trade_locked_until) parts.push(`Trade-locked until ${when(card.trade_locked_until)}.`);
  return parts.length ? parts.join(" ") : "Nothing in force.";
}

function sanctionRow(s) {
  const until = s.until ? ` until ${when(s.until)}` : "";
  return el("li", { className: s.lifted ? "lifted" : "" },
    el("b", { textContent: s.kind[0].toUpperCase() + s.kind.slice(1) }),
    el("span", { textContent: ` ${when(s.at)}${until} by ${s.by}${s.lifted ? " (lifted)" : ""}: ` }),
    el("q", { textContent: s.reason }));
}

// The panel for one player ({id, name}); it reads their record itself.
export function moderatePanel(player) {
  const url = `/moderation/players/${player.id}/`;
  const status = el("p", { className: "mod-status", textContent: "Reading…" });
  const history = el("ul", { className: "mod-history" });
  const reason = reasonBox();
  const said = el("p", { className: "said", role: "status" });
  const mute = durations("mute", "mute", SHORT, 15);
  const ban = durations("ban", "ban", BAN, 1440);
  const lock = durations("trade_lock", "trade lock", SHORT, 60);
  const lifts = el("div", { className: "buttons lifts" });
  const next = button("Next step", () => sanction("next"), "next-step");
  const sanction = async (kind, minutes) => {
    const body = minutes ? { kind, minutes: Number(minutes) } : { kind };
    if (await act(`${url}sanctions`, body, reason, said, panel)) reread();
  };
  const lift = async (kind) => {
    if (await act(`${url}lift`, { kind }, reason, said, panel)) reread();
  };
  const panel = el("section", { className: "moderate", ariaLabel: `moderate ${player.name}` },
    el("h3", { textContent: "Moderate" }), status, history, reason,
    el("div", { className: "buttons" },
      button("Alert", () => sanction("alert"), "alert"), button("Kick", () => sanction("kick"), "kick"), next),
    el("div", { className: "buttons" },
      button("Mute", () => sanction("mute", mute.value), "mute"), mute,
      button("Ban", () => sanction("ban", ban.value), "ban danger"), ban),
    el("div", { className: "buttons" }, button("Trade lock", () => sanction("trade_lock", lock.value), "trade-lock"), lock),
    lifts, said);
  let shown = null; // the record as last shown

  function show(card) {
    shown = JSON.stringify(card);
    status.textContent = `${card.username} (${card.rank}). ${inForce(card)}`;
    history.replaceChildren(...(card.sanctions.length
      ? card.sanctions.map(sanctionRow) : [el("li", { className: "empty", textContent: "No sanctions so far." })]));
    next.textContent = `Next step (${card.next_step})`;
    const liftable = [["mute", card.muted_until, "Lift mute"], ["ban", card.banned, "Lift ban"],
      ["trade_lock", card.trade_locked_until, "Lift trade lock"]].filter(([, on]) => on);
    lifts.replaceChildren(...liftable.map(([kind, , label]) => button(label, () => lift(kind), "secondary lift")));
  }

  async function read() {
    try {
      return await getJson(url);
    } catch {
      return null;
    }
  }

  // Until the consumer's change shows (or a few seconds went by).
  async function reread() {
    for (let i = 0; i < REREADS; i += 1) {
      await new Promise((r) => setTimeout(r, REREAD_MS));
      const card = await read();
      if (card && JSON.stringify(card) !== shown) return show(card);
    }
  }

  read().then((card) => {
    if (card) show(card);
    else status.textContent = "This player's record cannot be read right now.";
  });
  return panel;
}

// -- a room: the staff part of the room info window ----------------------------------

export function roomTools(room) {
  const reason = reasonBox();
  const said = el("p", { className: "said", role: "status" });
  const action = (name) => () => act(`/moderation/rooms/${room.id}/actions`, { action: name }, reason, said, tools);
  const tools = el("section", { className: "moderate room-moderate", ariaLabel: "moderate this room" },
    el("h3", { textContent: "Moderate this room" }), reason,
    el("div", { className: "buttons" }, button("Kick everyone", action("kick_all"), "kick-all"),
      button("Lock room", action("lock"), "lock"), button("Rename as inappropriate", action("rename"), "rename")),
    said);
  return tools;
}
