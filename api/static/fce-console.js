/* Evaluator case page: sends each action to /api/v1/evaluator with the CSRF token, reloads on success.
   Text goes in with textContent only; every visible string comes from the console catalog bundle. */
(function () {
  "use strict";
  var box = document.getElementById("kf-case");
  if (!box) return;
  var base = box.getAttribute("data-api");
  var S = JSON.parse(document.body.getAttribute("data-strings") || "{}");
  function t(key, params) {
    var s = S["console." + key] || key;
    Object.keys(params || {}).forEach(function (k) { s = s.split("{" + k + "}").join(String(params[k])); });
    return s;
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )kk_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  var errorBox = document.getElementById("kc-error");
  function fail(status, data, form, conflictKey) {
    var text = t("cases.error.generic");
    if (status === 409) text = t(conflictKey || "cases.error.conflict");
    if (status === 422 && data && Array.isArray(data.detail) && data.detail.length) {
      var loc = data.detail[0].loc || [];
      var name = loc[loc.length - 1];
      // A difference row is named by its position; the field inside it by its input name.
      var field = form && typeof name === "string" ? form.querySelector("[name='" + name + "']") : null;
      if (field) field.setAttribute("aria-invalid", "true");
      var label = field && field.closest("label") ? field.closest("label").firstChild.textContent.trim() : String(name);
      text = t("cases.error.field", { field: label });
    }
    errorBox.textContent = text;
    errorBox.hidden = false;
    errorBox.scrollIntoView({ block: "center" });
  }
  function send(method, path, data, form, conflictKey) {
    return fetch(base + path, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(data)
    }).then(function (r) {
      if (r.ok) { location.reload(); return; }
      return r.json().catch(function () { return {}; }).then(function (d) { fail(r.status, d, form, conflictKey); });
    }, function () { fail(0, null, form); });
  }
  function value(form, name) {
    var field = form.querySelector("[name='" + name + "']");
    return field ? field.value.trim() : "";
  }
  function number(form, name) {
    var text = value(form, name);
    // Sent as typed when not a whole number, so the server's 422 names the field.
    return /^\d+$/.test(text) ? Number(text) : text;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-fce-step]"), function (button) {
    button.addEventListener("click", function () {
      var to = button.getAttribute("data-fce-step");
      send("POST", "/transitions", { to: to }, null, to === "evaluated" ? "cases.error.evaluation_missing" : null);
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-fce-add-difference]"), function (button) {
    button.addEventListener("click", function () {
      var rows = button.parentNode.querySelectorAll(".kf-difference");
      var row = rows[rows.length - 1].cloneNode(true);
      Array.prototype.forEach.call(row.querySelectorAll("input"), function (input) { input.value = ""; });
      button.parentNode.insertBefore(row, button);
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-fce-form]"), function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (f) { f.removeAttribute("aria-invalid"); });
      var kind = form.getAttribute("data-fce-form");
      if (kind === "request") send("POST", "/request-documents", { message: value(form, "message") }, form);
      if (kind === "close") send("POST", "/transitions", { to: "closed", close_reason: value(form, "close_reason"), reason: value(form, "reason") }, form);
      if (kind === "note") send("POST", "/notes", { text: value(form, "text") }, form);
      // Verifiable records: the pressed button (submitter) says revoke, suspend or unsuspend.
      // A credential the applicant brought: the evaluator confirms what it pre-filled.
      if (kind === "brought") send("POST", "/verifiable-credentials/" + form.getAttribute("data-inbound") + "/confirm", {}, form);
      if (kind === "credential" && e.submitter) send("POST", "/credential/" + e.submitter.value, { reason: value(form, "reason") }, form);
      if (kind === "evaluation") {
        var differences = [];
        Array.prototype.forEach.call(form.querySelectorAll(".kf-difference"), function (row) {
          var d = value(row, "difference"), r = value(row, "reason");
          // An empty row is the spare one; a half-filled row is sent so the server can say what is missing.
          if (d || r) differences.push({ difference: d, reason: r });
        });
        send("PUT", "/evaluation", {
          credential: Number(form.getAttribute("data-credential")),
          japan_equivalent: value(form, "japan_equivalent"),
          isced_level: number(form, "isced_level"),
          jqf_level: number(form, "jqf_level"),
          field: value(form, "field"),
          substantial_differences: differences,
          remarks: value(form, "remarks") || null
        }, form);
      }
    });
  });
})();
