// The exchange desk's file upload: XMLHttpRequest rather than a form post so the page can
// show the upload's progress; the server answers with the import report as HTML.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  var words = window.CONSOLE_WORDS;
  var bar = form.querySelector("progress");
  var state = form.querySelector("[data-testid=upload-state]");
  var report = document.getElementById("report");

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
    xhr.upload.onload = function () {
      bar.value = 100; state.textContent = words.importing;
    };
    xhr.onload = function () {
      state.textContent = xhr.status === 200 ? "" : words.failed + " (" + xhr.status + ")";
      report.innerHTML = xhr.responseText;
    };
    xhr.onerror = function () { state.textContent = words.failed; };
    xhr.send(file);
  });
})();
