// Paper entry: "select all on this page" ticks every box of the visible page.
const all = document.getElementById('paper-all');
if (all) {
  all.addEventListener('change', () => {
    for (const box of document.querySelectorAll('input.paper-id')) box.checked = all.checked;
  });
}
