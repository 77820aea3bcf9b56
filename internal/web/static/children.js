// Draws the occupancy charts of the facilities pages with Chart.js
// (vendor/chartjs). Each <figure class="occ-chart"> carries its series in a
// JSON script block; the same numbers are in the table under it, and a
// server-drawn SVG stays in place when scripts or the library are absent.
(function () {
  'use strict';
  if (typeof Chart === 'undefined') { return; }
  document.querySelectorAll('figure.occ-chart').forEach(function (fig) {
    var el = fig.querySelector('script.chart-data');
    var canvas = fig.querySelector('canvas');
    if (!el || !canvas) { return; }
    var spec = JSON.parse(el.textContent);
    new Chart(canvas, {
      type: 'line',
      data: {
        labels: spec.labels,
        datasets: [{ label: spec.label, data: spec.values, borderColor: '#0b5cad', backgroundColor: 'rgba(11,92,173,0.12)',
          fill: true, pointRadius: 2, borderWidth: 2, tension: 0 }]
      },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: false } } }
    });
    canvas.hidden = false;
    var svg = fig.querySelector('.occ-svg');
    if (svg) { svg.classList.add('replaced'); }
  });
})();
