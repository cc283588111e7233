/** Small DOM helpers shared by the reader's features. */
export const doc = document;
export const root = doc.documentElement;

/** Reads (one argument) or writes a remembered choice; private mode makes it last for this page only. */
export function store(key, value) {
  try {
    if (value === undefined) return localStorage.getItem(key);
    localStorage.setItem(key, value);
  } catch (_) {
    /* storage disabled: nothing to remember */
  }
  return null;
}

export function $all(selector, scope) {
  return Array.prototype.slice.call((scope || doc).querySelectorAll(selector));
}

/** One polite live region for short confirmations ("Copied", result counts). */
export function announce(text) {
  const live = doc.getElementById('rs-live');
  if (!live) return;
  live.textContent = '';
  setTimeout(function () {
    live.textContent = text;
  }, 30);
}
