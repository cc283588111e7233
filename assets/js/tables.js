/** Tables in their own box, and sideways-scrolling regions reachable from the keyboard. */
import { $all, doc, root } from './dom.js';

function markScrollable() {
  $all('.article pre, .article .table-wrap').forEach(function (el) {
    if (el.scrollWidth > el.clientWidth + 1) {
      if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0');
    } else if (el.getAttribute('tabindex') === '0' && !el.classList.contains('env-tabs__panel')) {
      el.removeAttribute('tabindex');
    }
  });
}

export function initTables() {
  $all('.article table').forEach(function (table) {
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
  // Panels become visible when another environment is picked: check their code blocks again.
  new MutationObserver(markScrollable).observe(root, { attributes: true, attributeFilter: ['data-env'] });
}
