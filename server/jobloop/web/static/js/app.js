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

// Back (or Forward) to a page the browser kept in its back/forward cache shows it as it was
// left: a message filled from a template since edited, a stage since changed. Fetch it again.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) window.location.reload();
});

// <form data-confirm="Question?">: ask before submitting.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);

// <button data-copy="id">: copy the text of the element with that id (a field's value) to the
// clipboard. The one copy handler of every page: the button says "Copied", or a
// .copy-status next to it does.
async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // http://127.0.0.1 is a secure context, but other loopback names may not be.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.append(area);
  area.select();
  const copied = document.execCommand('copy');
  area.remove();
  if (!copied) throw new Error('copy refused');
}

function selectForCopy(source) {
  source.closest('details')?.setAttribute('open', '');
  if (source instanceof HTMLInputElement || source instanceof HTMLTextAreaElement) {
    source.focus();
    source.select();
    return;
  }
  const range = document.createRange();
  range.selectNodeContents(source);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

document.addEventListener('click', async (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  const status = button.parentElement.querySelector('.copy-status');
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  const say = (done, text) => {
    if (status) { status.textContent = text; return; }
    button.textContent = done;
    setTimeout(() => { button.textContent = label; }, 2000);
  };
  const field = source instanceof HTMLInputElement || source instanceof HTMLTextAreaElement;
  try {
    await copyText(field ? source.value : source.textContent.trim());
    say('Copied', 'Copied.');
  } catch {
    // Clipboard refused (an insecure context, or no permission): select it for Ctrl+C instead.
    selectForCopy(source);
    say('Press Ctrl+C', 'Selected: press Ctrl+C (⌘C) to copy.');
  }
});

// The import progress page: ask for rows done / total every second; reload for the summary once it is over.
const importJob = document.querySelector('[data-import-job]');
if (importJob && importJob.querySelector('progress')) {
  const bar = importJob.querySelector('progress');
  const done = importJob.querySelector('[data-import-done]');
  const poll = async () => {
    try {
      const response = await fetch(importJob.dataset.importJob, { headers: { Accept: 'application/json' } });
      const state = await response.json();
      if (!response.ok || !state.running) { window.location.reload(); return; }
      bar.value = state.done;
      done.textContent = state.done.toLocaleString('en');
    } catch { /* the server is busy or restarting: try again */ }
    setTimeout(poll, 1000);
  };
  setTimeout(poll, 500);
}
