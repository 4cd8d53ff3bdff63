/**
 * The dashboard's own browser script, served as /static/admin.js. Everything works without it (plain
 * links and forms); it adds keyboard tabs (ARIA tabs pattern: arrows, Home, End), the skill filter of
 * the role form, the provider of the picked model, and a visible message when a request fails.
 */
export const ADMIN_JS = `(function () {
  'use strict';
  function tabKeys(event) {
    var tabs = Array.prototype.slice.call(document.querySelectorAll('[role="tab"]'));
    var i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (event.key === ' ') { event.preventDefault(); tabs[i].click(); return; }
    if (next === undefined) return;
    event.preventDefault();
    tabs.forEach(function (t) { t.setAttribute('tabindex', '-1'); });
    var target = tabs[(next + tabs.length) % tabs.length];
    target.setAttribute('tabindex', '0');
    target.focus();
  }
  function filterOptions(input) {
    var select = document.getElementById(input.getAttribute('data-filter-for'));
    if (!select) return;
    var q = input.value.trim().toLowerCase();
    Array.prototype.forEach.call(select.options, function (o) {
      o.hidden = q !== '' && !o.selected && o.value.toLowerCase().indexOf(q) < 0;
    });
  }
  function showProvider(select) {
    var out = document.getElementById(select.getAttribute('data-provider-out'));
    var o = select.options[select.selectedIndex];
    if (out) out.textContent = o ? (o.getAttribute('data-provider') || '') : '';
  }
  function flash(text) {
    var box = document.getElementById('flash');
    if (box) box.textContent = text;
  }
  document.addEventListener('keydown', function (e) {
    if (e.target && e.target.getAttribute && e.target.getAttribute('role') === 'tab') tabKeys(e);
  });
  document.addEventListener('input', function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute('data-filter-for')) filterOptions(e.target);
  });
  document.addEventListener('change', function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute('data-provider-out')) showProvider(e.target);
  });
  document.addEventListener('htmx:responseError', function (e) {
    var xhr = e.detail.xhr;
    flash('Request failed (' + xhr.status + '): ' + (xhr.responseText || xhr.statusText).slice(0, 300));
  });
  document.addEventListener('htmx:sendError', function () { flash('The daemon did not answer.'); });
})();
`;
