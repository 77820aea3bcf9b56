// Draws the aid scorecard's money chart from the JSON block beside each
// canvas (the Content-Security-Policy allows no inline script).
(function () {
  'use strict';
  // The page's number convention (numbers.go), not the browser's.
  var locale = document.documentElement.dataset.numLocale || document.documentElement.lang || 'en';
  var colours = { pledged: '#4e79a7', released: '#59a14f', withheld: '#e15759' };
  document.querySelectorAll('figure.aid-chart').forEach(function (fig) {
    var data = fig.querySelector('script.aid-chart-data');
    var canvas = fig.querySelector('canvas');
    if (!data || !canvas || !window.Chart) { return; }
    var spec = JSON.parse(data.textContent);
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s) {
          return { label: s.label, data: s.values, backgroundColor: colours[s.key] || '#999' };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: locale,
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return Number(v).toLocaleString(locale); } } } }
      }
    });
  });
})();
