// The chat bar's character counter: "37/100" next to the text box, as the
// box counts (its maxlength), marked once the line is full.
export function createChatCounter(form) {
  const input = form.elements.text;
  const counter = document.getElementById("chat-count");
  const update = () => {
    const max = input.maxLength > 0 ? input.maxLength : 100;
    counter.textContent = `${input.value.length}/${max}`;
    counter.classList.toggle("full", input.value.length >= max);
  };
  input.addEventListener("input", update);
  // The room clears the box when a line is sent (its submit handler runs first).
  form.addEventListener("submit", update);
  update();
}
