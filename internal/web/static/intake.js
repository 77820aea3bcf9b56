// The intake form's "Encountered" time is prefilled with the present in
// the zone selected beside it. When the zone changes and the time was not
// edited, the prefill is redone in the new zone (so the untouched form is
// never "in the future"), and the zone is named beside the time.
(function () {
  'use strict';
  var input = document.getElementById('encountered_at');
  var zone = document.getElementById('encounter_zone');
  var name = document.getElementById('encountered_zone_name');
  if (!input || !zone || !input.dataset.nowUtc || typeof Intl === 'undefined') { return; }
  var now = new Date(input.dataset.nowUtc);
  function wallClock(tz) {
    var parts = {};
    new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(now).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + '-' + parts.month + '-' + parts.day + 'T' + parts.hour + ':' + parts.minute;
  }
  zone.addEventListener('change', function () {
    if (name) { name.textContent = zone.value; }
    if (input.value !== input.dataset.prefill) { return; } // typed: keep it
    try {
      var v = wallClock(zone.value);
      input.value = v;
      input.dataset.prefill = v;
    } catch (e) { /* an unknown zone: leave the time as it is */ }
  });
})();
