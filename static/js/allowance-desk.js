// The payment desk's signature pad: the recipient signs the receipt with a finger. Like the door's pad
// (signature-pad.js) only stroke points leave the page (static/js/signature-capture.js), as
// {"width", "height", "strokes"} in the form's hidden `signature` field.
// Without a drawing the payment is recorded unsigned and the receipt is printed for a wet signature.

import { attachSignaturePad } from './signature-capture.js';

const canvas = document.getElementById('pay-pad');
const field = document.getElementById('pay-signature');
const form = document.getElementById('pay-form');

if (canvas && field && form) {
  const pad = attachSignaturePad(canvas);
  document.getElementById('pay-clear')?.addEventListener('click', pad.clear);
  form.addEventListener('submit', () => {
    field.value = pad.points() >= 2 ? JSON.stringify(pad.drawing()) : '';
  });
  pad.resize();
}
