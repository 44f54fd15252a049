// Tells the server the delegation page was opened (GET never writes, so the page itself says so once it
// has loaded in a browser). keepalive lets the POST finish even if the contact leaves the page at once.
// Without JavaScript the first change made through the page records the opening instead.
(function () {
  var script = document.currentScript;
  if (!script || !window.fetch || !window.FormData) return;
  var body = new FormData();
  body.append("csrf_token", script.dataset.csrf || "");
  fetch(script.dataset.url, { method: "POST", body: body, credentials: "same-origin", keepalive: true })
    .catch(function () {});  // offline or refused: nothing to show the contact
})();
