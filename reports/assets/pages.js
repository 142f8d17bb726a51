// The sweep and gate pages' script: the pages are complete without it (the
// charts are inline SVG); it adds a filter on scenario names and a "failing
// only" switch. Errors are shown in #script-errors and counted in
// body[data-script-errors], which the browser test reads; body[data-ready]
// says the script ran to its end, body[data-charts] how many charts the
// page holds.
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

  function main() {
    var sections = document.querySelectorAll('section.scenario');
    var filter = document.getElementById('filter');
    var failing = document.getElementById('only-failing');
    function apply() {
      var text = filter ? filter.value.toLowerCase() : '';
      var onlyFailing = failing ? failing.checked : false;
      for (var i = 0; i < sections.length; ++i) {
        var s = sections[i];
        var name = (s.getAttribute('data-scenario') || '').toLowerCase();
        var show = name.indexOf(text) >= 0 && (!onlyFailing || s.getAttribute('data-failing') === '1');
        s.hidden = !show;
      }
    }
    if (filter) filter.addEventListener('input', apply);
    if (failing) failing.addEventListener('change', apply);
    var m = /[#&]filter=([^&]*)/.exec(window.location.hash);
    if (m && filter) {
      filter.value = decodeURIComponent(m[1]);
      apply();
    }
    document.body.setAttribute('data-charts', String(document.querySelectorAll('svg.ecdf').length));
    document.body.setAttribute('data-scenarios', String(sections.length));
  }

  try {
    main();
  } catch (e) {
    fail(e && e.stack ? e.stack : e);
  }
  if (!document.body.hasAttribute('data-script-errors')) document.body.setAttribute('data-script-errors', '0');
  if (window.performance && performance.now) {
    document.body.setAttribute('data-script-ms', String(Math.round(performance.now())));
  }
  document.body.setAttribute('data-ready', '1');
})();
