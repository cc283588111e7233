/**
 * The search engine: queries the index pieces plugins/search.ts writes (format:
 * lib/search/build-index.ts), loading only the pieces a query needs, each once.
 *
 * Pieces are scripts that call `rsSearch(name, data)`, loaded with <script src> relative to this
 * bundle's own URL: that works under a base path, and from an offline copy opened from file://
 * (where fetch() of a JSON file is refused). No eval, no inline code: fine under a strict CSP.
 *
 * A query is cut by the same tokenizer the build used. Each word matches a term exactly, as a
 * prefix ("backl"), or with one typo anywhere ("rolback", "tollback"); an identifier
 * (`nsq.channel.depth.high`) matches as a whole or by all its parts. Every word must be found on a
 * page (its sections may share them); pages are ranked by the sum of the build's scores.
 */
import { bucketOf, cardPieceOf, queryWords, titleKey, wordParts, wordSpans } from './search-tokens.js';

const MAX_PAGES = 8;
const SECTIONS_PER_PAGE = 3;
const PREFIX = 0.5;
const TYPO = 0.35;
const SNIPPET = 180;

/** Damerau-Levenshtein distance at most 1. */
function oneEdit(a, b) {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1 || a === b) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) return a.slice(i + 1) === b.slice(i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** Spellings one edit away in the first two letters: where a term lives when the typo is there. */
function headVariants(t) {
  return [t[1] + t[0] + t.slice(2), t.slice(1), t[0] + t.slice(2)].filter(function (v) {
    return v.length > 1;
  });
}

/**
 * @param {{ config: string, scriptUrl: string, load?: (url: string) => void }} options
 *   config: `v2 <hash> <buckets> <pagesPerChunk> [<cardPieces>]` from the page; scriptUrl: this bundle's URL.
 */
export function createEngine(options) {
  const parts = options.config.split(' ');
  if (parts[0] !== 'v2') throw new Error('unknown search index format ' + parts[0]);
  const hash = parts[1];
  const buckets = Number(parts[2]);
  const perChunk = Number(parts[3]);
  const cardPieces = Number(parts[4]) || 0;
  const base = new URL('../', options.scriptUrl);
  const pieces = new Map();
  const waiting = new Map();
  window.rsSearch = function (name, data) {
    const done = waiting.get(name);
    if (done) done(data);
  };

  function piece(name) {
    let p = pieces.get(name);
    if (p) return p;
    p = new Promise(function (resolve, reject) {
      waiting.set(name, resolve);
      const s = document.createElement('script');
      s.src = new URL('search/' + name + '.' + hash + '.js', options.scriptUrl).href;
      s.async = true;
      // Above the offline copy's downloads, which start when the page has loaded and fill every connection.
      s.fetchPriority = 'high';
      s.onerror = function () {
        pieces.delete(name);
        reject(new Error('could not load the search index (' + name + ')'));
      };
      s.onload = function () {
        s.remove();
      };
      document.head.appendChild(s);
    });
    pieces.set(name, p);
    return p;
  }
  const bucket = function (term) {
    return piece('s' + bucketOf(term, buckets));
  };

  /** Doc -> score for one index term in a loaded bucket (postings are delta-coded doc ids and scores). */
  function postings(data, term, weight, into, matched) {
    const list = data[term];
    if (!list) return false;
    let doc = 0;
    for (let i = 0; i < list.length; i += 2) {
      doc += list[i];
      const s = list[i + 1] * weight;
      if (!(into.get(doc) >= s)) into.set(doc, s);
    }
    matched.add(term);
    return true;
  }

  // Each loaded bucket's terms, sorted once: a prefix is then a binary search, not a walk over every
  // key (a bucket can hold 1,000 terms starting "hi"), and a phone's CPU pays it once per bucket.
  const sortedKeys = new WeakMap();
  function keysOf(data) {
    let keys = sortedKeys.get(data);
    if (!keys) {
      keys = Object.keys(data).filter(function (key) {
        return key.charCodeAt(0) !== 126; /* ~ head-typo key */
      });
      keys.sort();
      sortedKeys.set(data, keys);
    }
    return keys;
  }
  /** Index of the first key not below t. */
  function lowerBound(keys, t) {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Scores of one query term: exact, as a prefix, or one typo away. */
  function termScores(t, data, matched, extra) {
    const into = new Map();
    const exact = postings(data, t, 1, into, matched);
    let prefix = false;
    const keys = keysOf(data);
    for (let i = lowerBound(keys, t); i < keys.length && keys[i].lastIndexOf(t, 0) === 0; i++) {
      if (keys[i].length > t.length) prefix = postings(data, keys[i], PREFIX, into, matched) || prefix;
    }
    // A typo only when the word is found neither whole nor as a prefix: "backl" is a prefix, not "back".
    if (!exact && !prefix && t.length >= 4) {
      const sources = [data].concat(extra || []);
      sources.forEach(function (d) {
        keysOf(d).forEach(function (key) {
          if (oneEdit(t, key)) postings(d, key, TYPO, into, matched);
        });
      });
    }
    return { scores: into, found: exact || prefix || into.size > 0 };
  }

  /** Whether termScores would find t in this bucket alone, without scoring it. */
  function foundIn(t, data) {
    if (data[t]) return true;
    const keys = keysOf(data);
    let i = lowerBound(keys, t);
    if (i < keys.length && keys[i] === t) i++;
    if (i < keys.length && keys[i].lastIndexOf(t, 0) === 0) return true;
    return (
      t.length >= 4 &&
      keys.some(function (key) {
        return oneEdit(t, key);
      })
    );
  }

  /** Doc -> score for one query word; an identifier scores by its whole name or by all its parts. */
  function wordScores(word, loaded, matched) {
    const per = word.terms.map(function (t) {
      return termScores(t, loaded.get(t), matched, loaded.get('~' + t));
    });
    const out = new Map();
    // All parts on the same doc.
    const first = per[0].scores;
    first.forEach(function (s, doc) {
      let sum = s;
      for (let i = 1; i < per.length; i++) {
        const v = per[i].scores.get(doc);
        if (v === undefined) return;
        sum += v;
      }
      out.set(doc, sum);
    });
    if (word.joined) {
      const whole = termScores(word.joined, loaded.get(word.joined), matched);
      whole.scores.forEach(function (s, doc) {
        out.set(doc, (out.get(doc) || 0) + 2 * s);
      });
    }
    return out;
  }

  function allTerms(words) {
    const terms = [];
    words.forEach(function (w) {
      terms.push.apply(terms, w.terms);
      if (w.joined) terms.push(w.joined);
    });
    return terms;
  }

  function loadTerms(terms, loaded) {
    return Promise.all(
      terms.map(function (t) {
        return bucket(t).then(function (data) {
          loaded.set(t, data);
        });
      }),
    );
  }

  /**
   * Buckets where a term found nowhere may live with a typo in its first two letters: those of its
   * head variants (a swap, an extra letter), then those of the words its "~" head-typo keys name
   * (a wrong or missing first or second letter: "tollback" -> key "~ollback" -> rollback).
   */
  function loadVariants(words, loaded) {
    const jobs = [];
    words.forEach(function (w) {
      w.terms.forEach(function (t) {
        if (t.length < 4 || foundIn(t, loaded.get(t))) return;
        const extra = [];
        loaded.set('~' + t, extra);
        const keys = [t.slice(1), t[0] + t.slice(2), t];
        const named = new Set();
        const follow = function (data, key) {
          (data['~' + key] || []).forEach(function (name) {
            if (named.has(name) || !oneEdit(t, name)) return;
            named.add(name);
            jobs.push(bucket(name).then(function (d) {
              extra.push(d);
            }));
          });
        };
        follow(loaded.get(t), t);
        headVariants(t).forEach(function (v) {
          jobs.push(
            bucket(v).then(function (data) {
              extra.push(data);
              keys.forEach(function (k) {
                if (bucketOf(k, buckets) === bucketOf(v, buckets)) follow(data, k);
              });
            }),
          );
        });
      });
    });
    return settle(jobs);
  }

  /** Resolves when every job, including those added while waiting, has. */
  function settle(jobs) {
    const n = jobs.length;
    return Promise.all(jobs).then(function () {
      return jobs.length > n ? settle(jobs) : undefined;
    });
  }

  function rank(words, loaded, title) {
    const matched = new Set();
    const perWord = words.map(function (w) {
      return wordScores(w, loaded, matched);
    });
    // The query is a page's title word for word: that page's own doc gets the title's score on top.
    const exact = new Map();
    postings(loaded.get(title), title, 1, exact, new Set());
    exact.forEach(function (s, doc) {
      perWord.forEach(function (scores) {
        if (scores.has(doc)) scores.set(doc, scores.get(doc) + s / words.length);
      });
    });
    const missing = words
      .filter(function (w, i) {
        return perWord[i].size === 0;
      })
      .map(function (w) {
        return w.raw;
      });
    // Pages: per word its best doc; a doc holding every word adds half its total again.
    const pages = new Map();
    perWord.forEach(function (scores, wi) {
      scores.forEach(function (s, doc) {
        const p = Math.floor(doc / 64);
        let page = pages.get(p);
        if (!page) pages.set(p, (page = { page: p, best: new Array(words.length).fill(0), docs: new Map() }));
        if (s > page.best[wi]) page.best[wi] = s;
        const d = page.docs.get(doc) || { doc: doc, score: 0, words: 0 };
        d.score += s;
        d.words++;
        page.docs.set(doc, d);
      });
    });
    const list = [];
    pages.forEach(function (page) {
      page.words = page.best.filter(Boolean).length;
      let whole = 0;
      const docs = [];
      page.docs.forEach(function (d) {
        if (d.words === words.length && d.score > whole) whole = d.score;
        docs.push(d);
      });
      page.score = page.best.reduce(function (a, b) {
        return a + b;
      }, 0) + whole / 2;
      page.sections = docs
        .sort(function (a, b) {
          return b.words - a.words || b.score - a.score || a.doc - b.doc;
        })
        .slice(0, SECTIONS_PER_PAGE);
      list.push(page);
    });
    const all = list.filter(function (p) {
      return p.words === words.length;
    });
    const chosen = (all.length ? all : list).sort(function (a, b) {
      return b.words - a.words || b.score - a.score || a.page - b.page;
    });
    return { pages: chosen.slice(0, MAX_PAGES), partial: !all.length && list.length > 0, missing: missing, matched: matched };
  }

  function pageUrl(url, anchor) {
    const u = new URL(url, base);
    // An offline copy opened from file:// has no server to turn a folder into its index.html.
    const href = base.protocol === 'file:' ? u.href + (/\/$/.test(u.pathname) ? 'index.html' : '') : u.origin === location.origin ? u.pathname : u.href;
    return href + (anchor ? '#' + encodeURIComponent(anchor).replace(/%2F/g, '/') : '');
  }

  /** Text around the first matched word, as [text, isMatch] pieces. */
  function snippet(text, matched) {
    const spans = wordSpans(text).filter(function (w) {
      const whole = w.parts.join('');
      return matched.has(whole) || w.parts.some(function (p) {
        return matched.has(p);
      });
    });
    let start = 0;
    if (spans.length && spans[0].start > 60) {
      const space = text.indexOf(' ', spans[0].start - 60);
      start = space >= 0 && space < spans[0].start ? space + 1 : spans[0].start;
    }
    let end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > start + 40) end = space;
    }
    const out = [];
    if (start > 0) out.push(['… ', false]);
    let at = start;
    spans.forEach(function (s) {
      if (s.start < at || s.end > end) return;
      if (s.start > at) out.push([text.slice(at, s.start), false]);
      out.push([text.slice(s.start, s.end), true]);
      at = s.end;
    });
    if (at < end) out.push([text.slice(at, end), false]);
    if (end < text.length) out.push([' …', false]);
    return out;
  }

  function describe(ranked) {
    const chunks = new Map();
    ranked.pages.forEach(function (p) {
      const c = Math.floor(p.page / perChunk);
      if (!chunks.has(c)) chunks.set(c, piece('c' + c));
    });
    return Promise.all(
      Array.from(chunks.values()),
    ).then(function () {
      return Promise.all(
        ranked.pages.map(function (p) {
          return chunks.get(Math.floor(p.page / perChunk)).then(function (records) {
            const r = records[p.page % perChunk];
            const sections = p.sections.map(function (d) {
              const s = r[5][d.doc % 64] || r[5][0];
              return { url: pageUrl(r[0], s[0]), heading: s[1], snippet: snippet(s[2], ranked.matched) };
            });
            return { url: pageUrl(r[0], ''), title: r[1], crumb: r[2], severity: r[3], generated: r[4] === 1, sections: sections, score: p.score };
          });
        }),
      );
    });
  }

  /**
   * The card pieces of what may name a page exactly: the query as a title, and each word as an
   * alert's whole name (an identifier joined, or a single word).
   */
  function cardNames(words, title) {
    if (!cardPieces) return [];
    const names = new Set([title]);
    words.forEach(function (w) {
      names.add(w.joined || wordParts(w.raw).join(''));
    });
    const pieceNames = new Set();
    names.forEach(function (n) {
      pieceNames.add('k' + cardPieceOf(n, cardPieces));
    });
    return Array.from(pieceNames);
  }

  /** Loads the card pieces beside the buckets; one that fails only means no early result. */
  function loadCards(words, title, cards) {
    return Promise.all(
      cardNames(words, title).map(function (name) {
        return piece(name).then(
          function (data) {
            cards.push(data);
          },
          function () {},
        );
      }),
    );
  }

  /** The best pages whose cards came beside the buckets, in order, up to the first that did not. */
  function early(ranked, cards) {
    const pages = [];
    for (let i = 0; i < ranked.pages.length; i++) {
      const p = ranked.pages[i];
      let r;
      cards.forEach(function (data) {
        r = r || data[p.page];
      });
      if (!r) break;
      const sections = p.sections.map(function (d) {
        const s = r[5][d.doc % 64] || r[5][0];
        return { url: pageUrl(r[0], s[0]), heading: s[1], snippet: [] };
      });
      pages.push({ url: pageUrl(r[0], ''), title: r[1], crumb: r[2], severity: r[3], generated: r[4] === 1, sections: sections, score: p.score });
    }
    return pages;
  }

  return {
    /** Starts loading the buckets of what is typed so far: a word's bucket is known from its first two letters. */
    prefetch: function (query) {
      const words = queryWords(query);
      if (!words.length) return;
      allTerms(words)
        .concat(titleKey(query))
        .forEach(function (t) {
          bucket(t).catch(function () {}); // a failed piece is retried by the search itself
        });
      cardNames(words, titleKey(query)).forEach(function (name) {
        piece(name).catch(function () {});
      });
    },
    /**
     * Resolves with { pages: [{ url, title, crumb, severity, sections: [{ url, heading, snippet }] }], missing, partial }.
     * `first`, if given, is called before that with the same answer marked `early` and holding only
     * the best pages whose cards came with the buckets (no snippets), when the best one's did.
     */
    search: function (query, first) {
      const words = queryWords(query);
      if (!words.length) return Promise.resolve({ pages: [], missing: [], partial: false, words: 0 });
      const loaded = new Map();
      const title = titleKey(query);
      const cards = [];
      return Promise.all([loadTerms(allTerms(words).concat(title), loaded), first ? loadCards(words, title, cards) : null])
        .then(function () {
          return loadVariants(words, loaded);
        })
        .then(function () {
          const ranked = rank(words, loaded, title);
          if (first) {
            const known = early(ranked, cards);
            if (known.length) first({ pages: known, missing: ranked.missing, partial: ranked.partial, words: words.length, early: true });
          }
          return describe(ranked).then(function (pages) {
            return { pages: pages, missing: ranked.missing, partial: ranked.partial, words: words.length };
          });
        });
    },
  };
}
