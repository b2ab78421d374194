/* Review page: "mark reviewed" posts the revisions the editor saw (so a text changed meanwhile answers
   409 instead of being marked), with the session's CSRF token, and reloads. Strings from the catalog. */
(function () {
  "use strict";
  var button = document.getElementById("kr-mark");
  if (!button) return;
  var S = JSON.parse(document.body.getAttribute("data-strings") || "{}");
  function t(key) { return S["console." + key] || key; }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )kk_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  var box = document.getElementById("kc-error");
  function fail(status) {
    box.textContent = t(status === 409 ? "reviews.error.changed" : status === 403 ? "reviews.not_your_language" : "reviews.error.generic");
    box.hidden = false;
    button.disabled = false;
  }
  button.addEventListener("click", function () {
    button.disabled = true;
    fetch(button.getAttribute("data-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify({
        source_hash: button.getAttribute("data-source-hash"),
        content_hash: button.getAttribute("data-content-hash")
      })
    }).then(function (r) {
      if (r.ok) { location.reload(); return; }
      fail(r.status);
    }, function () { fail(0); });
  });
})();
