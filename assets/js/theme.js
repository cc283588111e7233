/** Theme toggle: html[data-theme], remembered as rs-theme (applied before paint by the layout's head script). */
import { doc, root, store } from './dom.js';

export function initTheme() {
  const dark = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const effectiveTheme = function () {
    const t = root.getAttribute('data-theme');
    if (t === 'dark' || t === 'light') return t;
    return dark && dark.matches ? 'dark' : 'light';
  };
  const button = doc.querySelector('.theme-toggle');
  const sync = function () {
    if (!button) return;
    const isDark = effectiveTheme() === 'dark';
    button.setAttribute('aria-pressed', String(isDark));
    button.title = isDark ? 'Switch to the light theme' : 'Switch to the dark theme';
  };
  if (button) {
    button.addEventListener('click', function () {
      const next = effectiveTheme() === 'dark' ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      store('rs-theme', next);
      sync();
    });
  }
  if (dark && dark.addEventListener) dark.addEventListener('change', sync);
  sync();
}
