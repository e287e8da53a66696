// The board: drag a card to another column to move it to that stage, or use the card's
// Move menu (a plain form of stage buttons: it works without this script, as a page load).
// Ended stages live in one folded column; a card dropped on one of its stage rows moves there.
import { post } from './app.js';

const board = document.querySelector('.board');
const status = document.querySelector('.board-status');
const ended = board && board.querySelector('.board-ended');

function moveUrl(id) {
  // data-move-url is the route for posting 0; swap in the card's id.
  return board.dataset.moveUrl.replace('/postings/0/', `/postings/${id}/`);
}

// The folded column's summary mirrors its columns' counts.
function syncEndedCounts() {
  if (!ended) return;
  let total = 0;
  ended.querySelectorAll('.board-column').forEach((column) => {
    const n = Number(column.querySelector('[data-count]').textContent);
    total += n;
    const mirror = ended.querySelector(`[data-count-for="${column.dataset.stage}"]`);
    if (mirror) mirror.textContent = String(n);
  });
  ended.querySelector('[data-ended-total]').textContent = String(total);
}

function adjustCount(column, delta) {
  const count = column.querySelector('[data-count]');
  count.textContent = String(Number(count.textContent) + delta);
  syncEndedCounts();
}

// A card's menu offers every stage but the one it is in.
function place(card, column) {
  column.querySelector('.board-cards').prepend(card);
  card.querySelectorAll('.card-move-stages button').forEach((b) => { b.hidden = b.value === column.dataset.stage; });
  card.querySelector('.card-menu')?.removeAttribute('open');
}

async function move(card, column, body = new FormData()) {
  const from = card.closest('.board-column');
  if (!column || column === from) return false;
  const stage = column.dataset.stage;
  const title = card.querySelector('.board-card-title').textContent.trim();
  place(card, column);
  adjustCount(from, -1);
  adjustCount(column, +1);
  card.classList.add('is-saving');
  try {
    body.set('stage', stage);
    await post(moveUrl(card.dataset.id), body);
    status.textContent = `Moved “${title}” to ${stage}.`;
    return true;
  } catch (error) {
    // Put it back: the board must never show a stage the server did not record.
    place(card, from);
    adjustCount(from, +1);
    adjustCount(column, -1);
    status.textContent = `Could not move “${title}”: ${error.message}`;
    return false;
  } finally {
    card.classList.remove('is-saving');
  }
}

if (board) {
  let dragged = null;
  board.addEventListener('dragstart', (event) => {
    const card = event.target.closest && event.target.closest('.board-card');
    if (!card) return;
    dragged = card;
    card.classList.add('is-dragging');
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', card.dataset.id);
  });
  board.addEventListener('dragend', () => {
    if (dragged) dragged.classList.remove('is-dragging');
    dragged = null;
    board.querySelectorAll('.is-drop-target').forEach((c) => c.classList.remove('is-drop-target'));
  });
  // A drop target: a column, or one of the folded Ended column's stage rows.
  function dropTarget(event) {
    const target = event.target.closest && event.target.closest('.board-column, [data-drop-stage]');
    if (!target || !board.contains(target)) return null;
    return target;
  }
  function columnOf(target) {
    if (!target.dataset.dropStage) return target;
    return board.querySelector(`.board-column[data-stage="${target.dataset.dropStage}"]`);
  }
  board.addEventListener('dragover', (event) => {
    const target = dragged && dropTarget(event);
    if (!target) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = 'move';
    board.querySelectorAll('.is-drop-target').forEach((c) => c !== target && c.classList.remove('is-drop-target'));
    target.classList.add('is-drop-target');
  });
  board.addEventListener('drop', (event) => {
    const target = dragged && dropTarget(event);
    if (!target) return;
    event.preventDefault();
    target.classList.remove('is-drop-target');
    move(dragged, columnOf(target));
  });
  // The menu's stage buttons: move without a page load, with the day the form names.
  board.addEventListener('submit', (event) => {
    const form = event.target.closest('.card-move');
    const button = event.submitter;
    if (!form || !button || !button.value) return;
    event.preventDefault();
    const card = form.closest('.board-card');
    const column = board.querySelector(`.board-column[data-stage="${button.value}"]`);
    const body = new FormData(form);
    body.delete('stage');
    move(card, column, body).then(() => {
      // Keep the keyboard where the card went; if it went into the folded column, on its summary.
      const menu = card.querySelector('.card-menu summary');
      if (card.closest('.board-ended') && !ended.open) ended.querySelector('summary').focus();
      else menu.focus();
    });
  });
  // Escape closes an open card menu and gives focus back to its summary.
  board.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    const menu = event.target.closest('.card-menu[open]');
    if (!menu) return;
    menu.removeAttribute('open');
    menu.querySelector('summary').focus();
  });
  // Arriving at #card-N (after a move without the script): open the folded column if it hides it.
  const target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && ended && ended.contains(target)) ended.open = true;
}
