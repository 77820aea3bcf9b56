// Draws the indicators charts with Chart.js (vendor/chartjs). Each
// <figure class="ind-chart"> carries its data in a JSON script block; the
// same numbers are in the table under the chart and in the CSV download.
(function () {
  'use strict';
  if (typeof Chart === 'undefined') { return; }
  // Colours distinguishable in colour-blind vision and in grey print.
  var palette = ['#0b5394', '#c0392b', '#1e8449', '#7d3c98', '#b9770e', '#515a5a', '#117a65', '#a04000', '#2e4053', '#922b21'];
  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16 & 255) + ',' + (n >> 8 & 255) + ',' + (n & 255) + ',' + a + ')';
  }
  var dashes = [[], [6, 3], [2, 2], [8, 3, 2, 3]];
  function draw(fig) {
    var el = fig.querySelector('script.chart-data');
    var canvas = fig.querySelector('canvas');
    if (!el || !canvas) { return; }
    var spec = JSON.parse(el.textContent);
    var bar = spec.kind === 'bar';
    var datasets = (spec.datasets || []).map(function (d, i) {
      var c = palette[d.color % palette.length];
      var ds = {
        label: d.label, data: d.data, borderColor: c, backgroundColor: bar ? alpha(c, 0.75) : c,
        spanGaps: false, pointRadius: 2, borderWidth: 2, tension: 0,
        // In grey print the lines are told apart by their dash pattern.
        borderDash: bar ? [] : dashes[d.color % dashes.length]
      };
      if (d.style === 'dashed') { ds.borderDash = [6, 4]; ds.pointRadius = 1; }
      if (d.style === 'band-low' || d.style === 'band-high') {
        ds.borderWidth = 0; ds.pointRadius = 0; ds.backgroundColor = alpha(c, 0.15);
        ds.fill = d.style === 'band-high' ? '-1' : false;
      }
      if (d.marks) {
        ds.pointRadius = d.marks.map(function (m) { return m ? 6 : 2; });
        ds.pointStyle = d.marks.map(function (m) { return m ? 'triangle' : 'circle'; });
        ds.pointBackgroundColor = d.marks.map(function (m) { return m ? '#000' : c; });
      }
      return ds;
    });
    var locale = document.documentElement.dataset.numLocale || document.documentElement.lang || 'en';
    // A tooltip writes a value as the table under the chart does
    // (fmtValue in indicators_routes.go): counts and values of 1,000 or
    // more whole, 10 or more with one decimal, smaller ones with two.
    function tableNumber(v) {
      var a = Math.abs(v), d = (spec.zero || a >= 1000) ? 0 : (a >= 10 ? 1 : 2);
      return Number(v).toLocaleString(locale, { minimumFractionDigits: d, maximumFractionDigits: d });
    }
    new Chart(canvas, {
      type: bar ? 'bar' : 'line',
      data: { labels: spec.labels, datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        // The page's number convention (numbers.go), not the browser's.
        locale: locale,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var l = ctx.dataset.label || '';
                return ctx.parsed.y == null ? l : (l ? l + ': ' : '') + tableNumber(ctx.parsed.y);
              }
            }
          },
          legend: {
            display: datasets.length > 1,
            position: 'bottom',
            labels: {
              usePointStyle: true, boxWidth: 8, font: { size: 11 },
              filter: function (item) { return !/^band-low$/.test(spec.datasets[item.datasetIndex].style); }
            }
          }
        },
        scales: { y: { beginAtZero: !!spec.zero, title: { display: !!spec.unit, text: spec.unit } } }
      }
    });
  }
  document.querySelectorAll('figure.ind-chart').forEach(draw);
  // Printed pages show the data tables.
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details.ind-table').forEach(function (d) { d.open = true; });
  });
})();
