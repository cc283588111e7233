/**
 * Theme: follow the system, light or dark, one button cycling through the three (the way back to
 * "follow the system" was missing). html[data-theme] = auto | light | dark; the choice is
 * remembered as rs-theme (none stored = follow the system) and applied before paint by the
 * layout's head script, so nothing flashes.
 */
import { doc, root } from './dom.js';

/** @type {readonly string[]} */
const ORDER = ['auto', 'light', 'dark'];
/** @type {Readonly<Record<string, string>>} */
const NAMES = { auto: 'follow the system', light: 'light', dark: 'dark' };

function remember(theme) {
  try {
    if (theme === 'auto') localStorage.removeItem('rs-theme');
    else localStorage.setItem('rs-theme', theme);
  } catch (_) {
    /* storage disabled: the choice lasts for this page only */
  }
}

export function initTheme() {
  const button = doc.querySelector('.theme-toggle');
  if (!button) return;
  const current = function () {
    const t = root.getAttribute('data-theme');
    return ORDER.indexOf(t) >= 0 ? t : 'auto';
  };
  const sync = function () {
    const t = current();
    const next = ORDER[(ORDER.indexOf(t) + 1) % ORDER.length];
    const label = 'Theme: ' + NAMES[t] + '. Switch to ' + NAMES[next];
    button.setAttribute('aria-label', label);
    button.title = label;
    button.setAttribute('data-theme-choice', t);
  };
  button.addEventListener('click', function () {
    const t = current();
    const next = ORDER[(ORDER.indexOf(t) + 1) % ORDER.length];
    root.setAttribute('data-theme', next);
    remember(next);
    sync();
  });
  sync();
}
