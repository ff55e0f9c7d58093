// Filtering cases by verdict. The report is complete without this script: it only reveals the filter bar.
(function () {
  'use strict';
  var bar = document.getElementById('filters');
  var showing = document.getElementById('showing');
  if (!bar) return;
  var items = Array.prototype.slice.call(document.querySelectorAll('#cases [data-verdict]'));
  var cases = items.filter(function (el) { return el.tagName === 'ARTICLE'; });
  var buttons = Array.prototype.slice.call(bar.querySelectorAll('button[data-filter]'));
  function apply(verdict) {
    items.forEach(function (el) { el.hidden = verdict !== 'ALL' && el.getAttribute('data-verdict') !== verdict; });
    buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.getAttribute('data-filter') === verdict)); });
    var shown = cases.filter(function (el) { return !el.hidden; }).length;
    showing.textContent = 'showing ' + shown + ' of ' + cases.length + ' cases';
  }
  buttons.forEach(function (b) {
    b.addEventListener('click', function () { apply(b.getAttribute('data-filter')); });
  });
  // A link to a case that the filter hides shows all cases again.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.hidden) { apply('ALL'); target.scrollIntoView(); }
  }
  window.addEventListener('hashchange', reveal);
  bar.hidden = false;
  apply('ALL');
})();
