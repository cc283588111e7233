/**
 * The search engine: MiniSearch and the section index written by plugins/search.ts, loaded on first
 * use. Resolves with { search(query) -> results }.
 */
import { doc } from './dom.js';

function loadScript(src) {
  return new Promise(function (resolve, reject) {
    if (window.MiniSearch) return resolve();
    const s = doc.createElement('script');
    s.src = src;
    s.onload = function () {
      resolve();
    };
    s.onerror = function () {
      reject(new Error('could not load ' + src));
    };
    doc.head.appendChild(s);
  });
}

export function loadEngine(indexUrl, engineUrl) {
  if (!indexUrl || !engineUrl) return Promise.reject(new Error('no search index'));
  return Promise.all([
    loadScript(engineUrl),
    fetch(indexUrl).then(function (r) {
      if (!r.ok) throw new Error('search index: HTTP ' + r.status);
      return r.json();
    }),
  ]).then(function (parts) {
    const data = parts[1];
    const pages = data.pages;
    const sections = data.sections;
    // t: the page title, on the page's own entry (anchor ""), so a title search lands on the
    // page; p: the same title on its sections, weighted low, so "backlog impact" finds the
    // Impact section of the backlog runbook; h: section heading; x: section text.
    const ms = new window.MiniSearch({
      fields: ['t', 'p', 'h', 'x'],
      idField: 'i',
      extractField: function (d, field) {
        return d[field];
      },
    });
    const docs = sections.map(function (s, i) {
      const title = pages[s[0]][1];
      return { i: i, t: s[1] ? '' : title, p: s[1] ? title : '', h: s[1] ? s[2] : '', x: s[3] };
    });
    return ms.addAllAsync(docs, { chunkSize: 2000 }).then(function () {
      return {
        search: function (q) {
          const perPage = {};
          return ms
            .search(q, {
              prefix: true,
              fuzzy: function (term) {
                return term.length > 4 ? 0.2 : 0;
              },
              boost: { t: 3, p: 0.5, h: 1.6 },
              combineWith: 'AND',
            })
            .filter(function (r) {
              // At most three hits per page, so one long page cannot fill the list.
              const p = sections[r.id][0];
              perPage[p] = (perPage[p] || 0) + 1;
              return perPage[p] <= 3;
            })
            .slice(0, 8)
            .map(function (r) {
              const s = sections[r.id];
              const page = pages[s[0]];
              return { url: page[0] + (s[1] ? '#' + s[1] : ''), title: page[1], heading: s[1] ? s[2] : '', text: s[3], terms: r.terms };
            });
        },
      };
    });
  });
}
