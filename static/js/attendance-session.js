// Facilitator's session page: tap "Present" / "Undo" without reloading, filter the list by name.
// Without JavaScript the same forms post and the page reloads.
const texts = JSON.parse(document.getElementById('att-texts').textContent);
const list = document.getElementById('att-list');
const counter = document.getElementById('att-present');

function fold(text) {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

const filter = document.getElementById('att-filter');
filter.addEventListener('input', () => {
  const words = fold(filter.value).split(/\s+/).filter(Boolean);
  for (const row of list.children) {
    row.hidden = !words.every((w) => row.dataset.name.includes(w));
  }
});

function setPresent(row, present, time) {
  row.classList.toggle('is-present', present);
  const status = row.querySelector('.att-status');
  status.textContent = present ? `${texts.present} · ${texts.at.replace('{time}', time || '')}` : texts.absent;
  const form = row.querySelector('form');
  form.elements.action.value = present ? 'undo' : 'in';
  const button = form.querySelector('button');
  button.textContent = present ? texts.undo : texts.mark;
  button.classList.toggle('btn-primary', !present);
}

list.addEventListener('submit', async (event) => {
  const form = event.target.closest('form.att-mark');
  if (!form) return;
  event.preventDefault();
  const row = form.closest('.att-row');
  if (row.classList.contains('is-busy')) return;
  row.classList.add('is-busy');
  try {
    const response = await fetch(form.getAttribute('action'), {
      method: 'POST', body: new FormData(form), credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.message || texts.error);
    if (answer.result === 'ok' || answer.result === 'already') setPresent(row, true, answer.checked_in_local);
    else if (answer.result === 'undone') setPresent(row, false);
    else throw new Error(answer.message || texts.error);
    if (typeof answer.present === 'number') counter.textContent = texts.presentCount.replace('{n}', answer.present);
  } catch (error) {
    window.alert(error.message || texts.error);
  } finally {
    row.classList.remove('is-busy');
  }
});
