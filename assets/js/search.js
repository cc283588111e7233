/** The search box: a combobox over the engine's results, keyboard first. */
import { $all, doc } from './dom.js';
import { loadEngine } from './search-engine.js';
import { escapeHtml, snippet } from './search-text.js';

export function initSearch() {
  const box = doc.querySelector('.search');
  const input = doc.getElementById('search-input');
  const list = doc.getElementById('search-results');
  const status = doc.getElementById('search-status');
  if (!box || !input || !list) return;

  let engine = null; // { search(q) } once loaded
  let loading = null;
  let results = [];
  let activeIndex = -1;
  let lastQuery = '';

  const setStatus = function (text) {
    if (!status) return;
    status.textContent = text;
    status.hidden = !text;
  };
  const load = function () {
    if (loading) return loading;
    loading = loadEngine(box.getAttribute('data-index'), box.getAttribute('data-engine')).then(function (e) {
      engine = e;
    });
    loading.catch(function () {
      setStatus('Search is unavailable right now. Use the section list instead.');
    });
    return loading;
  };
  const setActive = function (i) {
    const options = $all('[role="option"]', list);
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
  const setOpen = function (open) {
    list.hidden = !open || !results.length;
    input.setAttribute('aria-expanded', String(open && results.length > 0));
    box.classList.toggle('is-open', open);
    if (!open) {
      setActive(-1);
      setStatus('');
    }
  };
  const render = function (query) {
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.setAttribute('data-query', query); // which query the list shows (typing re-renders it)
    list.innerHTML = results
      .map(function (r, i) {
        const matched = (r.terms || []).concat(terms);
        return (
          '<li role="none"><a role="option" id="search-option-' + i + '" class="search__result" href="' + escapeHtml(r.url) + '" tabindex="-1" aria-selected="false">' +
          '<span class="search__page">' + escapeHtml(r.title) + '</span>' +
          (r.heading ? '<span class="search__section">' + escapeHtml(r.heading) + '</span>' : '') +
          '<span class="search__snippet">' + snippet(r.text, matched) + '</span>' +
          '</a></li>'
        );
      })
      .join('');
    if (results.length) setStatus(results.length === 1 ? '1 result' : results.length + ' results' + (results.length === 8 ? ' (best 8)' : ''));
    else setStatus('No results for “' + query + '”');
    setOpen(true);
    setActive(results.length ? 0 : -1);
  };

  let searchTimer;
  const runSearch = function () {
    const q = input.value.trim();
    lastQuery = q;
    if (q.length < 2) {
      results = [];
      list.innerHTML = '';
      setOpen(false);
      return;
    }
    if (!engine) {
      setStatus('Loading the search index…');
      box.classList.add('is-open');
      load().then(
        function () {
          if (lastQuery === q) runSearch();
        },
        function () {},
      );
      return;
    }
    results = engine.search(q);
    render(q);
  };
  const go = function (i) {
    const r = results[i];
    if (!r) return;
    setOpen(false);
    window.location.href = r.url;
  };

  input.addEventListener('focus', function () {
    load().catch(function () {});
    if (input.value.trim().length >= 2) runSearch();
  });
  input.addEventListener('input', function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 60);
  });
  input.addEventListener('keydown', function (event) {
    const open = !list.hidden;
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (!open && results.length) setOpen(true);
      setActive(Math.min(activeIndex + 1, results.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive(Math.max(activeIndex - 1, 0));
    } else if (event.key === 'Enter') {
      if (!engine) return;
      clearTimeout(searchTimer);
      if (lastQuery !== input.value.trim()) runSearch();
      if (results.length) {
        event.preventDefault();
        go(activeIndex >= 0 ? activeIndex : 0);
      }
    } else if (event.key === 'Escape') {
      if (open || box.classList.contains('is-open')) {
        event.preventDefault();
        setOpen(false);
      } else if (input.value) {
        input.value = '';
      } else {
        input.blur();
      }
    }
  });
  list.addEventListener('mousemove', function (event) {
    const option = event.target.closest('[role="option"]');
    if (!option) return;
    const i = $all('[role="option"]', list).indexOf(option);
    if (i !== activeIndex) setActive(i);
  });
  list.addEventListener('click', function (event) {
    if (event.target.closest('[role="option"]')) setOpen(false);
  });
  doc.addEventListener('click', function (event) {
    if (!box.contains(event.target)) setOpen(false);
  });
  // `/` opens search from anywhere except while typing in a field.
  doc.addEventListener('keydown', function (event) {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    const t = event.target;
    const tag = t && t.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (t && t.isContentEditable)) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
}
