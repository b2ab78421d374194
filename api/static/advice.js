// /advice pages: fill empty time-zone fields with the zone the browser reports (IANA name), so times
// are shown on the applicant's clock; the page works without this (UTC, or the zone they type).
(function () {
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  if (!zone) return;
  Array.prototype.forEach.call(document.querySelectorAll("[data-browser-zone]"), function (input) {
    if (!input.value) input.value = zone;
  });
})();
