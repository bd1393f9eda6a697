// The Report button's window (docs/protocol.md, "Call for help"): what is
// reported (a player, a room or a chat line), a few words (up to 200) and
// Send. Each Report click makes its own ticket id, so sending again after a
// failure opens one ticket. The moderators' answer comes later on the hotel
// socket (`help.closed`, moderation.js). Text only, never HTML.
import { clickKey, el, makeWindow, postJson } from "./windows.js";

const MESSAGE_MAX = 200;
const UNREACHABLE = "The hotel cannot take your report right now; try again.";
const win = makeWindow("report-window", "Report");

// what: the sentence saying what is reported; report: the fields of POST
// /help/reports but ticket_id and message ({about, user_id?, room_id?, chat_line_id?}).
export function openReport(what, report) {
  const ticket = clickKey();
  const text = el("textarea", { name: "message", maxLength: MESSAGE_MAX, rows: 4,
    placeholder: "What happened? (optional)", ariaLabel: "what happened" });
  const count = el("span", { className: "count-chars", textContent: `0/${MESSAGE_MAX}` });
  text.addEventListener("input", () => { count.textContent = `${text.value.length}/${MESSAGE_MAX}`; });
  const send = el("button", { type: "submit", textContent: "Send" });
  const said = el("p", { className: "said", role: "status" });
  const form = el("form", { className: "report" },
    el("p", { className: "what", textContent: what }), text,
    el("div", { className: "send-row" }, count, send), said);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    send.disabled = true;
    said.className = "said";
    said.textContent = "Sending…";
    let result = { ok: false, answer: {} };
    try {
      result = await postJson("/help/reports", { ...report, ticket_id: ticket, message: text.value.trim() });
    } catch { /* the network: said as unreachable */ }
    said.textContent = result.answer.message || UNREACHABLE;
    said.className = result.ok ? "said" : "said error";
    // Sent: the ticket is made, there is nothing more to send. Refused: try again (same ticket).
    send.disabled = result.ok;
    text.disabled = result.ok;
  });
  win.title("Report");
  win.body.replaceChildren(form);
  win.open();
  text.focus();
}
