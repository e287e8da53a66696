// Shared by every tracker page. Forms work without scripts; this only makes them nicer.

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : '';
}

// POST a FormData (or URLSearchParams) to one of our own routes and get JSON back.
// The CSRF token goes in a header as well as the form, so a fetch without the form field works too.
export async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    body,
    credentials: 'same-origin',
    headers: { 'X-CSRF-Token': csrfToken(), Accept: 'application/json' },
  });
  let data = {};
  try { data = await response.json(); } catch { /* a non-JSON answer: keep the status */ }
  if (!response.ok) {
    const message = (data.error && data.error.message) || `the server answered ${response.status}`;
    const error = new Error(message);
    error.field = data.error && data.error.field;
    throw error;
  }
  return data;
}

// <form data-confirm="Question?">: ask before submitting.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);

// <button data-copy="#selector">: copy that element's text to the clipboard.
document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  const status = button.parentElement.querySelector('.copy-status');
  try {
    await navigator.clipboard.writeText(source.textContent.trim());
    if (status) status.textContent = 'Copied.';
  } catch {
    // Clipboard refused (an insecure context, or no permission): select it for Ctrl+C instead.
    const range = document.createRange();
    range.selectNodeContents(source);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    if (status) status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
  }
});
