// Follow-ups: copy a message to the clipboard, and confirm before breaking calendar subscriptions.
// Loaded as a module from the partials, so it runs once per page however many partials include it.

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // http://127.0.0.1 is a secure context, but keep a fallback for other loopback names.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  try {
    await copyText("value" in source ? source.value : source.textContent);
    button.textContent = "Copied";
  } catch {
    // Clipboard refused (permissions): select the text so Ctrl+C works.
    source.closest("details")?.setAttribute("open", "");
    source.focus();
    source.select?.();
    button.textContent = "Press Ctrl+C";
  }
  setTimeout(() => { button.textContent = label; }, 2000);
});

document.addEventListener("submit", (event) => {
  const message = event.target.dataset?.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
