// A double tap sends a form once: a second submit of the same form within a few seconds is dropped
// (a cheap phone on slow Wi-Fi shows nothing for a while, and people tap again). Forms that a page's own
// script sends (fetch) are left alone; a page brought back by the Back button can be sent again.
document.addEventListener('submit', function (event) {
  if (event.defaultPrevented) return;
  var form = event.target;
  if (form.dataset.sending) { event.preventDefault(); return; }
  form.dataset.sending = '1';
  setTimeout(function () { delete form.dataset.sending; }, 5000);
});
window.addEventListener('pageshow', function () {
  document.querySelectorAll('form[data-sending]').forEach(function (form) { delete form.dataset.sending; });
});
