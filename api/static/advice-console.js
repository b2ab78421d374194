// Console pages for advice cases: publish and withdraw slots, add notes and follow-ups, record an
// outcome. Same double-submit CSRF header as console.js; times are shown on the advisor's clock.
(function () {
  function csrf() {
    var m = document.cookie.match(/(?:^|; )kk_csrf=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function send(method, path, data) {
    return fetch(path, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: data ? JSON.stringify(data) : undefined
    }).then(function (r) {
      if (r.ok) { location.reload(); return; }
      return r.json().catch(function () { return {}; }).then(function (d) {
        var box = document.getElementById("kc-toast");
        if (box) { box.textContent = typeof d.detail === "string" ? d.detail : r.status + ""; box.hidden = false; }
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("time[data-local]"), function (el) {
    var d = new Date(el.getAttribute("datetime"));
    if (!isNaN(d)) el.textContent = d.toLocaleString([], {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
    });
  });
  var slotForm = document.getElementById("kc-slot-form");
  if (slotForm) slotForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var starts = new Date(slotForm.starts.value);  // the advisor's local clock, sent as UTC
    send("POST", "/api/v1/advice/slots", { starts_at: starts.toISOString(), minutes: Number(slotForm.minutes.value) });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-withdraw]"), function (b) {
    b.addEventListener("click", function () { send("DELETE", "/api/v1/advice/slots/" + b.getAttribute("data-withdraw")); });
  });
  var noteForm = document.getElementById("kc-note-form");
  if (noteForm) noteForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var ref = encodeURIComponent(noteForm.getAttribute("data-reference"));
    send("POST", "/api/v1/advice/cases/" + ref + "/notes", { text: noteForm.text.value, follow_up_on: noteForm.follow_up_on.value || null });
  });
  var outcomeForm = document.getElementById("kc-outcome-form");
  if (outcomeForm) outcomeForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var ref = encodeURIComponent(outcomeForm.getAttribute("data-reference"));
    send("PUT", "/api/v1/advice/cases/" + ref + "/outcome", { outcome: outcomeForm.outcome.value });
  });
})();
