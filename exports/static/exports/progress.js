// A long export's page (exports/templates/exports/export.html): polls its progress every few
// seconds and shows the bar, then the download link or the error. No inline script (CSP); the
// words come from the page, in its language.
(function () {
  "use strict";
  var card = document.querySelector("[data-export-progress]");
  if (!card || card.dataset.polling) return;
  card.dataset.polling = "1";
  var words = document.querySelector("[data-export-words]");
  var rowsWords = words ? words.dataset.rows : "%(done)s / %(total)s";
  var state = card.querySelector("[data-export-state]");
  var bar = card.querySelector("[data-export-bar]");
  var ready = card.querySelector("[data-export-ready]");
  var error = card.querySelector("[data-export-error]");
  var reload = card.querySelector("[data-export-reload]");
  var pending = card.querySelector("[data-export-pending]");
  if (reload) reload.hidden = true;

  function finish() {
    if (bar) bar.hidden = true;
    if (pending) pending.hidden = true; // "being made…" no longer holds
  }

  function show(data) {
    var text = data.state_label;
    if (data.state === "running" && data.total) {
      text += ": " + rowsWords.replace("%(done)s", data.done).replace("%(total)s", data.total);
    }
    state.textContent = text;
    if (bar) {
      bar.value = data.percent;
      bar.textContent = data.percent + "%";
    }
    if (data.state === "done") {
      finish();
      ready.hidden = false;
      return true;
    }
    if (data.state === "failed") {
      finish();
      error.textContent = data.error;
      error.hidden = false;
      return true;
    }
    return false;
  }

  function poll() {
    if (!document.body.contains(card)) return; // the person went to another page
    fetch(card.dataset.exportProgress, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !show(data)) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (bar) window.setTimeout(poll, 1000);
})();
