// Possible duplicates at intake: a case recorded in the last day asks the
// tracing API for other cases that may be the same child and, if there
// are any, shows them above the case. Without scripts the link to the
// duplicates page stays the way to see them.
(function () {
  'use strict';
  var panel = document.getElementById('dup-panel');
  if (!panel || !window.fetch) { return; }
  fetch(panel.dataset.url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (d) {
      if (!d || !d.candidates || d.candidates.length === 0) { return; }
      var list = panel.querySelector('ul');
      d.candidates.forEach(function (c) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = '/cases/' + c.case_id;
        a.textContent = '#' + c.case_id + ' ' + (c.case && c.case.name ? c.case.name : '');
        li.appendChild(a);
        li.appendChild(document.createTextNode(' · ' + Math.round(c.probability * 100) + '%' +
          (c.case && c.case.birth_date ? ' · ' + c.case.birth_date : '')));
        list.appendChild(li);
      });
      panel.hidden = false;
    })
    .catch(function () { /* the link to the duplicates page remains */ });
})();
