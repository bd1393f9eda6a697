// The looks window: hair style and colour, skin tone, shirt, trousers, shoes
// and the motto, with a live preview (room/figure.js). The choices are the
// server's own palettes (GET /profile/looks); Save sends the whole look
// (POST /profile/looks) and the room shows it to everyone (`look_changed`,
// docs/protocol.md "Looks"). Opened from the toolbar (#open-looks) and from
// your avatar's card. Text only, never HTML.
import { drawFigure } from "./room/figure.js";
import { el, getJson, makeWindow, opens, postJson } from "./windows.js";

const COLOURS = [["hair", "Hair colour"], ["skin", "Skin"], ["shirt", "Shirt"], ["legs", "Trousers"], ["shoes", "Shoes"]];
const PREVIEW = { width: 150, height: 200, scale: 2 };
const UNREACHABLE = "The hotel cannot save your looks right now; try again.";

let win = null;
let look = null; // what is being tried on: the figure's keys and `motto`
let dir = 2; // which way the preview faces (turned with the arrows)
let parts = null; // the window's elements that change

function build() {
  const w = makeWindow("looks-window", "Looks");
  const preview = el("canvas", { width: PREVIEW.width, height: PREVIEW.height, className: "looks-preview" });
  preview.setAttribute("role", "img");
  preview.setAttribute("aria-label", "how you will look");
  const turn = (by) => el("button", { type: "button", className: "secondary turn", textContent: by < 0 ? "⟲" : "⟳",
    ariaLabel: by < 0 ? "turn left" : "turn right", onclick: () => { dir = (dir + by + 8) % 8; draw(); } });
  const choices = el("div", { className: "looks-choices" });
  const motto = el("input", { name: "motto", maxLength: 100, placeholder: "Say something about yourself", autocomplete: "off" });
  const count = el("span", { className: "motto-count", ariaLive: "off" });
  motto.addEventListener("input", () => { if (look) look.motto = motto.value; counted(); });
  const said = el("p", { className: "looks-said", role: "status" });
  const save = el("button", { type: "submit", className: "save", textContent: "Save", disabled: true });
  const form = el("form", { className: "looks", autocomplete: "off" },
    el("div", { className: "looks-side" }, preview, el("div", { className: "turns" }, turn(-1), turn(1))),
    el("div", { className: "looks-main" }, choices,
      el("label", { className: "motto" }, el("span", { textContent: "Motto" }), motto, count),
      el("div", { className: "buttons" }, save), said));
  form.addEventListener("submit", (e) => { e.preventDefault(); submit(); });
  w.body.replaceChildren(form);
  parts = { preview, choices, motto, count, said, save };
  return w;
}

function counted() {
  parts.count.textContent = `${parts.motto.value.length}/${parts.motto.maxLength}`;
}

function say(text, kind = "") {
  parts.said.textContent = text;
  parts.said.className = `looks-said ${kind}`;
}

function draw() {
  const ctx = parts.preview.getContext("2d");
  ctx.clearRect(0, 0, PREVIEW.width, PREVIEW.height);
  ctx.save();
  ctx.scale(PREVIEW.scale, PREVIEW.scale);
  drawFigure(ctx, look, PREVIEW.width / 2 / PREVIEW.scale, PREVIEW.height / PREVIEW.scale - 8, { dir });
  ctx.restore();
}

// A row of choices for one figure key; the chosen one is pressed.
function row(key, label, options) {
  const buttons = options.map(({ value, text, colour }) => {
    const b = el("button", { type: "button", className: colour ? "swatch-button" : "style-button", textContent: text || "" });
    b.dataset.key = key;
    b.dataset.value = value;
    if (colour) {
      b.style.setProperty("--c", colour);
      b.ariaLabel = `${label} ${colour}`;
    }
    b.setAttribute("aria-pressed", String(look[key] === value));
    b.addEventListener("click", () => {
      look[key] = value;
      for (const other of buttons) other.setAttribute("aria-pressed", String(other === b));
      draw();
    });
    return b;
  });
  return el("fieldset", { className: `looks-row ${key}` }, el("legend", { textContent: label }), ...buttons);
}

function fill({ figure, motto, palettes, motto_max: mottoMax }) {
  look = { ...figure, motto };
  // A colour no longer offered (set before the palettes changed) starts as the palette's first.
  for (const [key, colours] of Object.entries(palettes.colours)) if (!colours.includes(look[key])) look[key] = colours[0];
  const styles = palettes.hair_styles.map(({ id, name }) => ({ value: id, text: name }));
  parts.choices.replaceChildren(
    row("hair_style", "Hair style", styles),
    ...COLOURS.map(([key, label]) => row(key, label, palettes.colours[key].map((c) => ({ value: c, colour: c })))),
  );
  parts.motto.maxLength = mottoMax;
  parts.motto.value = motto;
  parts.save.disabled = false;
  counted();
  draw();
}

async function submit() {
  parts.save.disabled = true;
  say("Saving…");
  try {
    const { ok, answer } = await postJson("/profile/looks", look);
    if (ok) {
      look = { ...answer.figure, motto: answer.motto };
      parts.motto.value = answer.motto;
      counted();
    }
    say(answer.message || UNREACHABLE, ok ? "ok" : "error");
  } catch {
    say(UNREACHABLE, "error");
  } finally {
    parts.save.disabled = false;
  }
}

export async function openLooks() {
  win ||= build();
  win.open();
  say("");
  try {
    fill(await getJson("/profile/looks"));
  } catch {
    say("Your looks could not be loaded; try again.", "error");
  }
}

opens("open-looks", () => (win?.isOpen ? win.toggle() : openLooks()));
