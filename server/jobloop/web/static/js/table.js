// The table's bulk changes: tick rows (shift-click ticks a range), or every row matching
// the filter; the bar counts them and shows the fields the chosen action needs.
// Without this script the form still works: tick rows, pick an action, Apply.
const bar = document.querySelector('#bulk');

if (bar) {
  const rows = () => Array.from(document.querySelectorAll('.select-row'));
  const pageBox = document.querySelector('.select-page');
  const count = bar.querySelector('.bulk-count');
  const all = bar.querySelector('.bulk-all');
  const scope = bar.querySelector('input[name="scope"]');
  const action = bar.querySelector('select[name="action"]');
  let last = null;

  function refresh() {
    const ticked = rows().filter((box) => box.checked).length;
    if (scope.value === 'filter') {
      count.textContent = `All ${bar.dataset.total} matching postings selected.`;
    } else {
      count.textContent = ticked ? `${ticked} selected.` : 'Tick rows to change several at once.';
    }
    if (all) all.hidden = !(ticked && ticked === rows().length) || scope.value === 'filter';
    if (pageBox) pageBox.checked = ticked > 0 && ticked === rows().length;
    bar.querySelector('.bulk-stage').hidden = action.value !== 'stage';
    bar.querySelector('.bulk-tag').hidden = !action.value.startsWith('tag_');
  }

  document.addEventListener('click', (event) => {
    const box = event.target.closest && event.target.closest('.select-row');
    if (!box) return;
    if (event.shiftKey && last && last !== box) {
      const list = rows();
      const [from, to] = [list.indexOf(last), list.indexOf(box)].sort((a, b) => a - b);
      list.slice(from, to + 1).forEach((b) => { b.checked = box.checked; });
    }
    last = box;
    scope.value = 'selected';
    refresh();
  });
  if (pageBox) {
    pageBox.addEventListener('change', () => {
      rows().forEach((b) => { b.checked = pageBox.checked; });
      scope.value = 'selected';
      refresh();
    });
  }
  if (all) {
    all.addEventListener('click', () => { scope.value = 'filter'; refresh(); });
  }
  action.addEventListener('change', refresh);
  bar.addEventListener('submit', (event) => {
    const n = scope.value === 'filter' ? Number(bar.dataset.total) : rows().filter((b) => b.checked).length;
    if (!n) {
      event.preventDefault();
      count.textContent = 'Tick at least one row first.';
    }
  });
  refresh();
}
