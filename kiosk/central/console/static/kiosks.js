// The Kiosks page keeps itself current: every 10 s (data-every) it asks /console/api/kiosks for
// the tables, drawn and escaped by the server, and puts them in place. Not while the
// coordinator is typing a name or has a button focused there: their field or focus would go.
"use strict";
(function () {
  var fleet = document.getElementById("fleet");
  if (!fleet) { return; }
  var url = fleet.getAttribute("data-poll");
  var POLL_MS = Number(fleet.getAttribute("data-every")) || 10000;
  function busy() {
    var focused = document.activeElement;
    return focused && focused !== document.body && fleet.contains(focused);
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 401) { window.location.assign("/console/sign-in?msg=idle"); return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (answer) {
        if (answer && !busy()) { fleet.innerHTML = answer.html; }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .finally(function () { window.setTimeout(poll, POLL_MS); });
  }
  window.setTimeout(poll, POLL_MS);
})();
