/**
 * Tables and code that scroll sideways: reachable from the keyboard, and a content table that is
 * wider than its box says so. The build puts each Markdown table in its own scroll box
 * (lib/markdown/readable.ts); a table written as raw HTML gets one here.
 */
import { $all, doc, root } from './dom.js';

function markScrollable() {
  $all('.article pre, .article .table-wrap').forEach(function (el) {
    const scrolls = el.scrollWidth > el.clientWidth + 1;
    if (scrolls) {
      if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0');
    } else if (el.getAttribute('tabindex') === '0' && !el.classList.contains('env-tabs__panel')) {
      el.removeAttribute('tabindex');
    }
    if (!el.classList.contains('table-wrap')) return;
    el.classList.toggle('is-scrollable', scrolls);
    const hint = el.nextElementSibling && el.nextElementSibling.classList.contains('table-hint') ? el.nextElementSibling : null;
    if (scrolls && !hint) {
      const p = doc.createElement('p');
      p.className = 'table-hint';
      p.textContent = 'The table is wider than the screen: scroll it sideways for more columns.';
      el.parentNode.insertBefore(p, el.nextSibling);
    } else if (!scrolls && hint) {
      hint.remove();
    }
  });
}

export function initTables() {
  $all('.article table').forEach(function (table) {
    if (table.classList.contains('table--cards') || (table.parentNode.classList && table.parentNode.classList.contains('table-wrap'))) return;
    const wrap = doc.createElement('div');
    wrap.className = 'table-wrap';
    table.parentNode.insertBefore(wrap, table);
    wrap.appendChild(table);
  });
  markScrollable();
  let resizeTimer;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(markScrollable, 150);
  });
  // Panels become visible when another environment is picked, and code wraps or not: check again.
  new MutationObserver(markScrollable).observe(root, { attributes: true, attributeFilter: ['data-env', 'data-wrap'] });
  // Any other change of a box's size (a panel shown by a script, fonts, the layout settling) too.
  if ('ResizeObserver' in window) {
    let queued = false;
    const observer = new ResizeObserver(function () {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () {
        queued = false;
        markScrollable();
      });
    });
    $all('.article pre, .article .table-wrap').forEach(function (el) {
      observer.observe(el);
    });
  }
  window.addEventListener('load', markScrollable);
}
