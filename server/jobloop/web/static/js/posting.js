// The posting page: each field saves in place, without leaving the page.
// Every field is its own small form that also works as a plain POST.
import { post } from './app.js';

function fieldOf(form) {
  return form.querySelector('input:not([type="hidden"]), select, textarea');
}

function markDirty(form) {
  const field = fieldOf(form);
  form.classList.toggle('is-dirty', field.value !== field.dataset.saved);
}

document.querySelectorAll('form.field-edit').forEach((form) => {
  const field = fieldOf(form);
  const status = form.querySelector('.field-status');
  field.dataset.saved = field.value;
  form.classList.add('is-enhanced');

  form.addEventListener('input', () => markDirty(form));
  form.addEventListener('change', () => markDirty(form));
  field.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      field.value = field.dataset.saved;
      markDirty(form);
      status.textContent = '';
    } else if (event.key === 'Enter' && field.tagName === 'TEXTAREA' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  // Selects save as soon as they change: there is nothing more to type.
  if (field.tagName === 'SELECT') field.addEventListener('change', () => form.requestSubmit());

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    form.classList.add('is-saving');
    status.textContent = 'Saving…';
    try {
      const data = await post(form.action, new FormData(form));
      const name = form.dataset.field;
      if (name in data.values) field.value = data.values[name];
      field.dataset.saved = field.value;
      field.removeAttribute('aria-invalid');
      form.classList.remove('has-error');
      status.textContent = 'Saved.';
      const mark = form.querySelector('.field-mark');
      if (mark) {
        mark.className = 'badge badge-soft field-mark';
        mark.textContent = 'yours';
      } else {
        form.querySelector('label').insertAdjacentHTML('beforeend', ' <span class="badge badge-soft field-mark">yours</span>');
      }
      if (name === 'title') document.title = `${field.value || 'Posting'} — jobloop`;
    } catch (error) {
      // Keep what was typed; say what is wrong next to it.
      form.classList.add('has-error');
      field.setAttribute('aria-invalid', 'true');
      status.textContent = error.message;
    } finally {
      form.classList.remove('is-saving');
      markDirty(form);
    }
  });
});
