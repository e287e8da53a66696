// The board: drag a card to another column to move it to that stage.
// Each card also has a stage menu and a Move button, the keyboard way (plain form, no script needed).
import { post } from './app.js';

const board = document.querySelector('.board');
const status = document.querySelector('.board-status');

function moveUrl(id) {
  // data-move-url is the route for posting 0; swap in the card's id.
  return board.dataset.moveUrl.replace('/postings/0/', `/postings/${id}/`);
}

function adjustCount(column, delta) {
  const count = column.querySelector('[data-count]');
  count.textContent = String(Number(count.textContent) + delta);
}

function place(card, column) {
  const list = column.querySelector('.board-cards');
  list.prepend(card);
  const select = card.querySelector('select[name="stage"]');
  if (select) select.value = column.dataset.stage;
}

async function move(card, column) {
  const from = card.closest('.board-column');
  if (!column || column === from) return;
  const stage = column.dataset.stage;
  const title = card.querySelector('.board-card-title').textContent.trim();
  place(card, column);
  adjustCount(from, -1);
  adjustCount(column, +1);
  card.classList.add('is-saving');
  try {
    const form = new FormData();
    form.set('stage', stage);
    await post(moveUrl(card.dataset.id), form);
    status.textContent = `Moved “${title}” to ${stage}.`;
  } catch (error) {
    // Put it back: the board must never show a stage the server did not record.
    place(card, from);
    adjustCount(from, +1);
    adjustCount(column, -1);
    status.textContent = `Could not move “${title}”: ${error.message}`;
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
  board.addEventListener('dragover', (event) => {
    const column = event.target.closest('.board-column');
    if (!column || !dragged) return;
    event.preventDefault(); // allows the drop
    event.dataTransfer.dropEffect = 'move';
    board.querySelectorAll('.is-drop-target').forEach((c) => c !== column && c.classList.remove('is-drop-target'));
    column.classList.add('is-drop-target');
  });
  board.addEventListener('drop', (event) => {
    const column = event.target.closest('.board-column');
    if (!column || !dragged) return;
    event.preventDefault();
    column.classList.remove('is-drop-target');
    move(dragged, column);
  });
  // The keyboard way, enhanced: Move submits without a page load and keeps focus on the card.
  board.addEventListener('submit', (event) => {
    const form = event.target.closest('.move-form');
    if (!form) return;
    event.preventDefault();
    const card = form.closest('.board-card');
    const column = board.querySelector(`.board-column[data-stage="${form.elements.stage.value}"]`);
    move(card, column).then(() => form.elements.stage.focus());
  });
}
