// report.html's script: charts the golden signals from #report-data, on
// load for the involved services and on demand for the others. Errors are
// shown in #script-errors and counted in body[data-script-errors], which
// the browser test reads; body[data-ready] says the script ran to its end.
(function () {
  'use strict';
  var errors = [];
  function fail(message) {
    errors.push(String(message));
    var box = document.getElementById('script-errors');
    if (box) {
      box.hidden = false;
      box.textContent = 'Script error: ' + errors.join(' | ');
    }
    document.body.setAttribute('data-script-errors', String(errors.length));
  }
  window.addEventListener('error', function (e) {
    fail((e.message || 'error') + (e.lineno ? ' (line ' + e.lineno + ')' : ''));
  });

  var SVGNS = 'http://www.w3.org/2000/svg';
  var PANELS = [
    { title: 'latency p95 (s), max', signals: [0], thresholds: 'latency_p95_s', log: true },
    { title: 'error rate, max', signals: [1], thresholds: 'error_rate' },
    { title: 'traffic (requests/s), mean', signals: [2] },
    { title: 'saturation: CPU (purple), memory (orange), max', signals: [3, 4], thresholds: 'saturation', floor: 1 }
  ];
  var W = 320, H = 150, ML = 46, MR = 22, MT = 16, MB = 18;

  function esc(text) {
    return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }
  function fmtNum(v) {
    if (v === 0) return '0';
    var a = Math.abs(v);
    if (a >= 1e6) return (v / 1e6).toPrecision(3) + 'M';
    if (a >= 1e3) return (v / 1e3).toPrecision(3) + 'k';
    return String(Number(v.toPrecision(3)));
  }
  function fmtDur(s) {
    s = Math.round(s);
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), r = s % 60;
    var out = (d ? d + 'd' : '') + (h ? h + 'h' : '') + (m ? m + 'm' : '') + (r ? r + 's' : '');
    return out || '0s';
  }

  function panel(data, chart, spec) {
    var duration = data.duration_s > 0 ? data.duration_s : 1;
    var series = spec.signals.map(function (i) { return chart.s[i] || []; });
    var thr = spec.thresholds ? data.thresholds[spec.thresholds] : null;
    var lo = Infinity, hi = -Infinity, any = false;
    series.forEach(function (values) {
      values.forEach(function (v) {
        if (v === null || v === undefined) return;
        any = true;
        if (!spec.log || v > 0) lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      });
    });
    var levels = thr ? ['P0', 'P1', 'P2'].filter(function (k) { return typeof thr[k] === 'number'; }) : [];
    levels.forEach(function (k) { hi = Math.max(hi, thr[k]); lo = Math.min(lo, thr[k]); });
    if (spec.floor) hi = Math.max(hi, spec.floor);
    if (!isFinite(hi)) hi = 1;
    var y;
    if (spec.log) {
      if (!isFinite(lo) || lo <= 0) lo = 1e-3;
      lo = Math.max(lo / 2, 1e-6);
      hi = hi * 1.5;
      var llo = Math.log(lo), lhi = Math.log(hi);
      y = function (v) { return MT + (H - MT - MB) * (1 - (Math.log(Math.max(v, lo)) - llo) / (lhi - llo)); };
    } else {
      lo = 0;
      hi = hi > 0 ? hi * 1.08 : 1;
      y = function (v) { return MT + (H - MT - MB) * (1 - v / hi); };
    }
    var x = function (t) { return ML + (W - ML - MR) * Math.min(Math.max(t / duration, 0), 1); };
    var out = '<svg xmlns="' + SVGNS + '" class="panel" viewBox="0 0 ' + W + ' ' + H + '" data-signal="' +
      esc(spec.title) + '">';
    out += '<rect class="frame" x="' + ML + '" y="' + MT + '" width="' + (W - ML - MR) + '" height="' + (H - MT - MB) + '"/>';
    out += '<text class="title" x="' + ML + '" y="11">' + esc(spec.title) + '</text>';
    data.faults.forEach(function (f) {
      if (chart.idx >= 0 && f.services.indexOf(chart.idx) < 0) return;
      var x0 = x(f.start), x1 = Math.max(x(f.end), x0 + 1);
      out += '<rect class="fault-band" x="' + x0.toFixed(1) + '" y="' + MT + '" width="' + (x1 - x0).toFixed(1) +
        '" height="' + (H - MT - MB) + '"><title>' + esc('fault ' + f.label + ': ' + fmtDur(f.start) + ' to ' +
        fmtDur(f.end)) + '</title></rect>';
    });
    levels.forEach(function (k) {
      var ty = y(thr[k]).toFixed(1);
      out += '<line class="thr ' + k + '" x1="' + ML + '" x2="' + (W - MR) + '" y1="' + ty + '" y2="' + ty + '"/>';
      out += '<text class="thr-label ' + k + '" x="' + (W - MR + 2) + '" y="' + (Number(ty) + 3) + '">' + k + '</text>';
    });
    series.forEach(function (values, n) {
      var d = '', pen = false;
      values.forEach(function (v, i) {
        if (v === null || v === undefined) { pen = false; return; }
        var px = x((i + 0.5) * chart.period_s).toFixed(1), py = y(v).toFixed(1);
        d += (pen ? 'L' : 'M') + px + ' ' + py;
        pen = true;
      });
      if (d) out += '<path class="line s' + spec.signals[n] + '" d="' + d + '"/>';
    });
    if (!any) out += '<text class="nodata" x="' + (ML + 8) + '" y="' + (MT + 16) + '">no data</text>';
    out += '<text class="tick" x="' + (ML - 3) + '" y="' + (MT + 8) + '" text-anchor="end">' + esc(fmtNum(hi)) + '</text>';
    out += '<text class="tick" x="' + (ML - 3) + '" y="' + (H - MB) + '" text-anchor="end">' + esc(fmtNum(lo)) + '</text>';
    out += '<text class="tick" x="' + ML + '" y="' + (H - 5) + '">0s</text>';
    out += '<text class="tick" x="' + (W - MR) + '" y="' + (H - 5) + '" text-anchor="end">' + esc(fmtDur(duration)) + '</text>';
    return out + '</svg>';
  }

  function card(data, chart) {
    var html = '<div class="chart-card" data-service="' + esc(chart.name) + '"><h3>' + esc(chart.name) +
      (chart.shown ? '' : ' <span class="dim">(coarser: one point per ' + esc(fmtDur(chart.period_s)) + ')</span>') +
      '</h3><div class="panels">';
    PANELS.forEach(function (spec) { html += panel(data, chart, spec); });
    return html + '</div></div>';
  }

  function main() {
    var data = JSON.parse(document.getElementById('report-data').textContent);
    var byName = {};
    var shown = '';
    data.charts.forEach(function (c) {
      byName[c.name] = c;
      if (c.shown) shown += card(data, c);
    });
    document.getElementById('charts').innerHTML = shown;
    var demand = document.getElementById('charts-on-demand');
    function chartOnDemand(name) {
      var c = byName[name];
      if (!c || !demand) return;
      var present = demand.querySelectorAll('.chart-card');
      for (var i = 0; i < present.length; ++i) {
        if (present[i].getAttribute('data-service') === name) return;
      }
      demand.insertAdjacentHTML('beforeend', card(data, c));
    }
    var pick = document.getElementById('chart-pick');
    if (pick) pick.addEventListener('change', function () { chartOnDemand(pick.value); });
    var m = /[#&]chart=([^&]*)/.exec(window.location.hash);
    if (m) decodeURIComponent(m[1]).split(',').forEach(chartOnDemand);
    document.body.setAttribute('data-charts', String(document.querySelectorAll('.chart-card').length));
  }

  try {
    main();
  } catch (e) {
    fail(e && e.stack ? e.stack : e);
  }
  if (!document.body.hasAttribute('data-script-errors')) document.body.setAttribute('data-script-errors', '0');
  // Milliseconds from navigation start until the charts were drawn (for
  // people measuring how fast a large report opens; never in a file).
  if (window.performance && performance.now) {
    document.body.setAttribute('data-script-ms', String(Math.round(performance.now())));
  }
  document.body.setAttribute('data-ready', '1');
})();
