// The Now page keeps itself current: /console/api/now/stream sends new figures when a batch
// arrives, and this puts the figures, the per-event table and the server-drawn chart in place.
"use strict";
(function () {
  var live = document.getElementById("live");
  if (!live) { return; }
  function cell(text, numeric) {
    var td = document.createElement("td");
    td.textContent = String(text);
    if (numeric) { td.className = "num"; }
    return td;
  }
  function apply(now) {
    document.getElementById("campaign-total").textContent = String(now.campaign);
    document.getElementById("today-total").textContent = String(now.today);
    document.getElementById("campaign-goal").textContent = now.goal === null ? "–" : String(now.goal);
    document.getElementById("chart").innerHTML = now.chart_svg;  // drawn and escaped by the server
    var body = document.querySelector("#per-event tbody");
    if (now.per_event.length) {
      body.replaceChildren();
      now.per_event.forEach(function (e) {
        var tr = document.createElement("tr");
        tr.appendChild(cell(e.event, false));
        tr.appendChild(cell(e.signatures, true));
        tr.appendChild(cell(e.today, true));
        tr.appendChild(cell(e.goal === null ? "–" : e.goal, true));
        body.appendChild(tr);
      });
    }
  }
  // The server sends new figures over one stream (server-sent events) when they change. If the
  // stream fails for good (the session ended, the server went away), one look at the JSON says
  // whether to sign in again.
  function listen() {
    var events = new EventSource(live.getAttribute("data-stream"));
    events.addEventListener("now", function (e) { apply(JSON.parse(e.data)); });
    events.addEventListener("signed-out", function () {
      events.close();
      window.location.assign("/console/sign-in?msg=idle");
    });
    events.addEventListener("error", function () {
      if (events.readyState !== EventSource.CLOSED) { return; }  // the browser reconnects
      fetch(live.getAttribute("data-poll"), { credentials: "same-origin" }).then(function (r) {
        if (r.status === 401) { window.location.assign("/console/sign-in?msg=idle"); return; }
        window.setTimeout(listen, 10000);
      }).catch(function () { window.setTimeout(listen, 10000); });
    });
  }
  listen();
})();

// The Import page: batch files dropped on the drop zone go one by one to /console/api/import
// (the same ingest as the form), each with its result in the table. The file field stays the
// way in for a keyboard or a screen reader; without this script the zone stays hidden.
(function () {
  var zone = document.getElementById("drop");
  if (!zone) { return; }
  var table = document.getElementById("import-results");
  var body = table.querySelector("tbody");
  zone.hidden = false;
  function row(name, text, ok) {
    var tr = document.createElement("tr");
    var file = document.createElement("td");
    var result = document.createElement("td");
    file.textContent = name;
    result.textContent = text;
    tr.className = ok ? "ok" : "failed";
    tr.appendChild(file);
    tr.appendChild(result);
    body.appendChild(tr);
    table.hidden = false;
    return tr;
  }
  function send(file) {
    var tr = row(file.name, zone.getAttribute("data-sending"), true);
    var form = new FormData();
    form.append("csrf", zone.getAttribute("data-csrf"));
    form.append("files", file, file.name);
    return fetch(zone.getAttribute("data-url"), { method: "POST", body: form, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (answer) { return [r, answer]; }); })
      .then(function (pair) {
        var r = pair[0], answer = pair[1];
        var done = r.ok ? answer.results[0] : { ok: false, result: answer.detail };
        tr.lastChild.textContent = done.result;
        tr.className = done.ok ? "ok" : "failed";
      })
      .catch(function () {
        tr.lastChild.textContent = zone.getAttribute("data-failed");
        tr.className = "failed";
      });
  }
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    zone.classList.remove("over");
    var files = Array.prototype.slice.call(e.dataTransfer.files);
    // One at a time, in the order dropped: a kiosk's chain arrives in its order.
    files.reduce(function (done, file) {
      return done.then(function () { return send(file); });
    }, Promise.resolve());
  });
})();
