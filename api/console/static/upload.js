// The exchange desk's file upload: XMLHttpRequest rather than a form post so the page can
// show the upload's progress. The server answers with an import job; the bar then follows the
// rows imported (polled), and the report comes last as HTML.
(function () {
  "use strict";
  var POLL_MS = 300;  // the job writes progress about every quarter second
  var form = document.getElementById("upload");
  var words = window.CONSOLE_WORDS;
  var bar = form.querySelector("progress");
  var state = form.querySelector("[data-testid=upload-state]");
  var report = document.getElementById("report");

  function fail(text) { state.textContent = text; }

  function showProgress(job) {
    bar.value = job.total ? Math.round(100 * job.done / job.total) : 100;
    state.textContent = words.progress.replace("{done}", job.done).replace("{total}", job.total);
  }

  function showReport(id) {
    fetch("/console/exchange/imports/" + id + "/report", { credentials: "same-origin" })
      .then(function (r) { return r.text().then(function (html) { return [r.ok, r.status, html]; }); })
      .then(function (got) {
        if (!got[0]) { fail(words.failed + " (" + got[1] + ")"); return; }
        bar.value = 100; report.innerHTML = got[2];
      }, function () { fail(words.failed); });
  }

  function poll(id) {
    fetch("/console/exchange/imports/" + id, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (job) {
        showProgress(job);
        if (job.state === "running") { setTimeout(function () { poll(id); }, POLL_MS); }
        else if (job.state === "done") { showReport(id); }
        else { fail(job.message); }
      }, function (error) { fail(words.failed + " (" + error.message + ")"); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = form.elements.file.files[0];
    if (!file) { return; }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/console/exchange/imports");
    xhr.setRequestHeader("X-CSRF-Token", form.dataset.csrf);
    xhr.setRequestHeader("X-Filename", encodeURIComponent(file.name));
    xhr.setRequestHeader("Content-Type", "application/octet-stream");
    bar.hidden = false; bar.value = 0; report.innerHTML = "";
    state.textContent = words.sending;
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
    };
    xhr.upload.onload = function () { state.textContent = words.importing; };
    xhr.onload = function () {
      if (xhr.status !== 202) {
        var type = xhr.getResponseHeader("Content-Type") || "";
        // a problem (e.g. 413 body_too_large) says why in its detail; shown as text, not HTML
        var why = type.indexOf("application/problem+json") === 0 ?
          ": " + JSON.parse(xhr.responseText).detail : "";
        fail(words.failed + " (" + xhr.status + why + ")");
        // the console's own message as HTML (e.g. an expired form)
        report.innerHTML = type.indexOf("text/html") === 0 ? xhr.responseText : "";
        return;
      }
      var job = JSON.parse(xhr.responseText);
      showProgress({ done: 0, total: job.total });
      poll(job.id);
    };
    xhr.onerror = function () { fail(words.failed); };
    xhr.send(file);
  });
})();
