// Batch PDF job page: polls the job's JSON status and updates the progress bar in place.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh) and shows the same state.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !window.fetch) { return; }
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-text");
  var link = document.getElementById("job-download");
  var hint = box.querySelector(".js-hide");
  if (hint) { hint.hidden = true; }
  var delay = 1000;

  function fill(template, info) {
    return template.replace("{done}", info.progress).replace("{total}", info.total).replace("{pages}", info.pages);
  }

  function show(info) {
    bar.max = Math.max(info.total, 1);
    bar.value = info.status === "done" ? bar.max : info.progress;
    if (info.status === "failed") {
      text.textContent = box.dataset.textFailed + " " + info.message;
    } else {
      text.textContent = fill(box.dataset["text" + info.status.charAt(0).toUpperCase() + info.status.slice(1)] || "", info);
    }
    if (info.download_url) {
      link.href = info.download_url;
      link.classList.remove("hidden");
    }
    return info.status === "done" || info.status === "failed";
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (info) { if (!show(info)) { delay = 1000; setTimeout(poll, delay); } })
      .catch(function () { delay = Math.min(delay * 2, 15000); setTimeout(poll, delay); });
  }
  setTimeout(poll, 500);
})();
