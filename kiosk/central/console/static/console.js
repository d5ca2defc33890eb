// The Now page keeps itself current: every 10 s (data-every) it asks /console/api/now and puts the
// new figures, the per-event table and the server-drawn chart in place. No other script.
"use strict";
(function () {
  var live = document.getElementById("live");
  if (!live) { return; }
  var url = live.getAttribute("data-poll");
  var POLL_MS = Number(live.getAttribute("data-every")) || 10000;
  function cell(text, numeric) {
    var td = document.createElement("td");
    td.textContent = String(text);
    if (numeric) { td.className = "num"; }
    return td;
  }
  function apply(now) {
    document.getElementById("campaign-total").textContent = String(now.campaign);
    document.getElementById("today-total").textContent = String(now.today);
    document.getElementById("chart").innerHTML = now.chart_svg;  // drawn and escaped by the server
    var body = document.querySelector("#per-event tbody");
    if (now.per_event.length) {
      body.replaceChildren();
      now.per_event.forEach(function (e) {
        var tr = document.createElement("tr");
        tr.appendChild(cell(e.event, false));
        tr.appendChild(cell(e.signatures, true));
        body.appendChild(tr);
      });
    }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 401) { window.location.assign("/console/sign-in?msg=idle"); return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (now) { if (now) { apply(now); } })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .finally(function () { window.setTimeout(poll, POLL_MS); });
  }
  window.setTimeout(poll, POLL_MS);
})();
