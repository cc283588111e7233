/** Result text: escaping, highlighted matches and a snippet around the first match. */
export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, function (c) {
    return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
  });
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function highlight(text, terms) {
  if (!terms.length) return escapeHtml(text);
  const re = new RegExp('(' + terms.map(escapeRegExp).join('|') + ')', 'gi');
  return text
    .split(re)
    .map(function (part, i) {
      return i % 2 ? '<mark>' + escapeHtml(part) + '</mark>' : escapeHtml(part);
    })
    .join('');
}

export function snippet(text, terms) {
  const lower = text.toLowerCase();
  let at = -1;
  terms.forEach(function (t) {
    const i = lower.indexOf(t.toLowerCase());
    if (i >= 0 && (at < 0 || i < at)) at = i;
  });
  if (at < 0) at = 0;
  let start = Math.max(0, at - 50);
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space > 0 && space < at) start = space + 1;
  }
  const end = Math.min(text.length, start + 160);
  const cut = text.slice(start, end);
  return (start > 0 ? '… ' : '') + highlight(cut, terms) + (end < text.length ? ' …' : '');
}
