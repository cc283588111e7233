/**
 * The search box: a combobox over the engine's results (assets/js/search-engine.js), keyboard first.
 *
 * - `/`, Ctrl+K and Cmd+K open it from anywhere, except while the reader types in another field.
 * - Results are grouped by page: the page (breadcrumb, title, severity badge, best section and a
 *   snippet), then its other matching sections. Enter opens the highlighted (first) result, arrows move.
 * - Esc, the close button, or Tab out of the box close it. Below 768 px it opens full-screen
 *   (site.css), sized to the visible viewport so the results sit above the on-screen keyboard.
 * - Nothing is built from HTML strings: result text goes in with textContent.
 */
import { $all, doc } from './dom.js';
import { createEngine } from './search-engine.js';

// This bundle's own URL: the index pieces and result links are relative to it (base path, file://).
const SCRIPT_URL = doc.currentScript && doc.currentScript.src ? doc.currentScript.src : '';

function el(tag, className, text) {
  const e = doc.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
}

function snippetEl(parts) {
  const span = el('span', 'search__snippet');
  parts.forEach(function (p) {
    span.appendChild(p[1] ? el('mark', '', p[0]) : doc.createTextNode(p[0]));
  });
  return span;
}

export function initSearch() {
  const box = doc.querySelector('.search');
  const input = doc.getElementById('search-input');
  const list = doc.getElementById('search-results');
  const status = doc.getElementById('search-status');
  const empty = doc.getElementById('search-empty');
  const close = box && box.querySelector('.search__close');
  if (!box || !input || !list) return;

  let engine;
  let options = [];
  let activeIndex = -1;
  let asked = 0; // number of the latest query, so a slow answer never replaces a newer one
  let shown = '';
  let returnFocus = null;

  const getEngine = function () {
    if (!engine) engine = createEngine({ config: box.getAttribute('data-search') || '', scriptUrl: SCRIPT_URL || doc.baseURI });
    return engine;
  };
  const setStatus = function (text) {
    if (!status) return;
    status.textContent = text;
    status.hidden = !text;
  };
  const setActive = function (i) {
    activeIndex = i;
    options.forEach(function (o, j) {
      o.setAttribute('aria-selected', String(j === i));
      o.classList.toggle('is-active', j === i);
    });
    if (i >= 0 && options[i]) {
      input.setAttribute('aria-activedescendant', options[i].id);
      options[i].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  };
  const phone = function () {
    return window.matchMedia && window.matchMedia('(max-width: 767.98px)').matches;
  };
  const fitViewport = function () {
    // The on-screen keyboard shrinks the visual viewport, not the layout one.
    const v = window.visualViewport;
    if (v) box.style.setProperty('--search-height', v.height + 'px');
  };
  const setOpen = function (open) {
    list.hidden = !open || !options.length;
    input.setAttribute('aria-expanded', String(open && options.length > 0));
    box.classList.toggle('is-open', open);
    const full = open && phone();
    if (full !== box.classList.contains('is-fullscreen')) {
      box.classList.toggle('is-fullscreen', full);
      doc.body.classList.toggle('search-fullscreen', full);
      if (full) fitViewport();
    }
    if (!open) {
      setActive(-1);
      setStatus('');
      if (empty) empty.hidden = true;
    }
  };
  const openSearch = function () {
    if (doc.activeElement !== input) returnFocus = doc.activeElement;
    setOpen(true);
    input.focus();
    input.select();
  };
  const closeSearch = function (refocus) {
    setOpen(false);
    if (refocus) {
      const back = returnFocus && returnFocus !== input && doc.contains(returnFocus) ? returnFocus : null;
      if (back) back.focus();
      else input.blur();
    }
  };

  const showEmpty = function (answer) {
    if (!empty) return;
    empty.textContent = '';
    const words = answer.missing.length ? 'Not found: ' + answer.missing.map(function (w) { return '“' + w + '”'; }).join(', ') + '.' : 'No page has all of these words.';
    empty.appendChild(el('p', 'search__missing', words));
    empty.appendChild(el('p', 'search__try', 'Try the alert list or a section:'));
    const links = el('ul', 'search__links');
    const alerts = el('a', '', 'Alerts index');
    alerts.href = new URL('alerts/', new URL('../', SCRIPT_URL || doc.baseURI)).href;
    const li = el('li');
    li.appendChild(alerts);
    links.appendChild(li);
    $all('.top-nav a').forEach(function (a) {
      const item = el('li');
      const copy = el('a', '', a.textContent);
      copy.href = a.href;
      item.appendChild(copy);
      links.appendChild(item);
    });
    empty.appendChild(links);
    empty.hidden = false;
  };

  const render = function (query, answer) {
    // The same query again (its snippets after its first results): the reader's place in the list stays.
    const keep = shown === query && activeIndex > 0 ? activeIndex : 0;
    shown = query;
    list.textContent = '';
    options = [];
    const option = function (href, parent) {
      const li = el('li');
      li.setAttribute('role', 'none');
      const a = el('a', 'search__result');
      a.setAttribute('role', 'option');
      a.id = 'search-option-' + options.length;
      a.href = href;
      a.tabIndex = -1;
      a.setAttribute('aria-selected', 'false');
      li.appendChild(a);
      parent.appendChild(li);
      options.push(a);
      return a;
    };
    answer.pages.forEach(function (page) {
      const head = page.sections[0];
      const a = option(head.url, list);
      a.classList.add('search__result--page');
      if (page.crumb) a.appendChild(el('span', 'search__crumb', page.crumb));
      const title = el('span', 'search__title');
      title.appendChild(el('span', 'search__page', page.title));
      if (page.severity) title.appendChild(el('span', 'badge badge--' + page.severity, page.severity));
      a.appendChild(title);
      if (head.heading) a.appendChild(el('span', 'search__section', head.heading));
      a.appendChild(snippetEl(head.snippet));
      page.sections.slice(1).forEach(function (s) {
        const sub = option(s.url, list);
        sub.classList.add('search__result--sub');
        sub.appendChild(el('span', 'search__section', s.heading || page.title));
        sub.appendChild(snippetEl(s.snippet));
      });
    });
    // Which query the list shows: data-shown from its first results on, data-query once whole.
    list.setAttribute('data-shown', query);
    if (answer.early) list.removeAttribute('data-query');
    else list.setAttribute('data-query', query);
    const n = answer.pages.length;
    if (answer.early) {
      // The best pages, before their snippets: the rest of the answer replaces them.
      setOpen(true);
      setActive(Math.min(keep, n - 1));
      return;
    }
    if (n && !answer.partial) setStatus(n === 1 ? '1 page' : n + ' pages' + (n === 8 ? ' (best 8)' : ''));
    else if (n) setStatus('No page has every word; closest pages:');
    else setStatus('No results for “' + query + '”');
    if (empty) empty.hidden = true;
    if (!n || answer.partial) showEmpty(answer);
    setOpen(true);
    setActive(n ? Math.min(keep, n - 1) : -1);
  };

  let timer;
  const runSearch = function () {
    const q = input.value.trim();
    const mine = ++asked;
    if (q.length < 2) {
      options = [];
      list.textContent = '';
      list.removeAttribute('data-query');
      list.removeAttribute('data-shown');
      shown = '';
      setOpen(false);
      if (q.length) box.classList.add('is-open');
      return Promise.resolve();
    }
    if (shown !== q) setStatus('Searching…');
    box.classList.add('is-open');
    let answer;
    try {
      answer = getEngine().search(q, function (early) {
        if (mine === asked && doc.activeElement === input) render(q, early);
      });
    } catch (err) {
      answer = Promise.reject(err);
    }
    return answer.then(
      function (a) {
        if (mine === asked && doc.activeElement === input) render(q, a);
      },
      function () {
        if (mine === asked) setStatus('Search is unavailable right now. Use the section list instead.');
      },
    );
  };

  input.addEventListener('focus', function () {
    setOpen(true);
    if (input.value.trim().length >= 2 && shown !== input.value.trim()) runSearch();
  });
  input.addEventListener('input', function () {
    clearTimeout(timer);
    // The index pieces of the words typed so far start loading now, not after the pause.
    try {
      getEngine().prefetch(input.value);
    } catch (err) {
      // an unreadable index config: runSearch reports it
    }
    timer = setTimeout(runSearch, 40);
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (list.hidden && options.length) setOpen(true);
      setActive(Math.min(activeIndex + 1, options.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive(Math.max(activeIndex - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const q = input.value.trim();
      const go = function () {
        const target = options[activeIndex >= 0 ? activeIndex : 0];
        if (!target) return;
        setOpen(false);
        window.location.href = target.href;
      };
      // Enter before the results of what is typed have arrived: open the top one when they do.
      if (shown === q) go();
      else {
        clearTimeout(timer);
        runSearch().then(function () {
          if (shown === q) go();
        });
      }
    } else if (event.key === 'Escape') {
      event.preventDefault();
      if (box.classList.contains('is-open')) closeSearch(true);
      else if (input.value) input.value = '';
      else input.blur();
    }
  });
  list.addEventListener('mousemove', function (event) {
    const target = event.target.closest('[role="option"]');
    const i = options.indexOf(target);
    if (i >= 0 && i !== activeIndex) setActive(i);
  });
  list.addEventListener('click', function (event) {
    if (event.target.closest('[role="option"]')) setOpen(false);
  });
  if (close) {
    close.addEventListener('click', function () {
      closeSearch(true);
    });
  }
  // Tab (or a click) out of the box closes it.
  box.addEventListener('focusout', function (event) {
    if (!event.relatedTarget || !box.contains(event.relatedTarget)) {
      // A click on a result moves focus to nothing first: let the click happen.
      setTimeout(function () {
        if (!box.contains(doc.activeElement)) setOpen(false);
      }, 150);
    }
  });
  doc.addEventListener('click', function (event) {
    if (!box.contains(event.target)) setOpen(false);
  });
  window.addEventListener('resize', function () {
    if (box.classList.contains('is-fullscreen')) fitViewport();
  });
  if (window.visualViewport) {
    window.visualViewport.addEventListener('resize', function () {
      if (box.classList.contains('is-fullscreen')) fitViewport();
    });
  }
  // `/`, Ctrl+K and Cmd+K open search from anywhere except while typing in a field.
  doc.addEventListener('keydown', function (event) {
    const slash = event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey;
    const k = (event.key === 'k' || event.key === 'K') && (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey;
    if (!slash && !k) return;
    const t = event.target;
    const tag = t && t.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (t && t.isContentEditable)) return;
    event.preventDefault();
    openSearch();
  });
}
