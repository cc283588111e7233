/*
 * Runbook Smith: the reader's side. No framework, no build step; loaded with `defer`.
 *
 *  - theme toggle (html[data-theme], localStorage rs-theme; applied before paint by the head script)
 *  - environment tabs ({{env-command}}): one choice for every tab group, remembered (rs-env)
 *  - copy buttons on code blocks
 *  - mobile menu, current page kept in view in the section nav
 *  - scrollspy for the "On this page" sidebar
 *  - search: MiniSearch + the section index, loaded on first use (plugins/search.ts)
 */
(function () {
  'use strict';
  var doc = document;
  var root = doc.documentElement;

  function store(key, value) {
    try {
      if (value === undefined) return localStorage.getItem(key);
      localStorage.setItem(key, value);
    } catch (_) {
      /* private mode, storage disabled: the choice lasts for this page only */
    }
    return null;
  }

  function $all(selector, scope) {
    return Array.prototype.slice.call((scope || doc).querySelectorAll(selector));
  }

  /* One polite live region for short confirmations ("Copied", result counts). */
  var live = doc.getElementById('rs-live');
  function announce(text) {
    if (!live) return;
    live.textContent = '';
    setTimeout(function () {
      live.textContent = text;
    }, 30);
  }

  /* ---------------------------------------------------------------- theme */
  var dark = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  function effectiveTheme() {
    var t = root.getAttribute('data-theme');
    if (t === 'dark' || t === 'light') return t;
    return dark && dark.matches ? 'dark' : 'light';
  }
  var themeButton = doc.querySelector('.theme-toggle');
  function syncThemeButton() {
    if (!themeButton) return;
    var isDark = effectiveTheme() === 'dark';
    themeButton.setAttribute('aria-pressed', String(isDark));
    themeButton.title = isDark ? 'Switch to the light theme' : 'Switch to the dark theme';
  }
  if (themeButton) {
    themeButton.addEventListener('click', function () {
      var next = effectiveTheme() === 'dark' ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      store('rs-theme', next);
      syncThemeButton();
    });
  }
  if (dark && dark.addEventListener) dark.addEventListener('change', syncThemeButton);
  syncThemeButton();

  /* ---------------------------------------------------------- environments */
  var tabGroups = $all('[data-env-tabs]');
  function envIds() {
    var first = tabGroups[0];
    return first ? $all('[role="tab"]', first).map(function (t) { return t.getAttribute('data-env'); }) : [];
  }
  function currentEnv() {
    var chosen = root.getAttribute('data-env');
    var ids = envIds();
    return chosen && ids.indexOf(chosen) >= 0 ? chosen : ids[0];
  }
  function syncTabs(env) {
    tabGroups.forEach(function (group) {
      $all('[role="tab"]', group).forEach(function (tab) {
        var on = tab.getAttribute('data-env') === env;
        tab.setAttribute('aria-selected', String(on));
        tab.tabIndex = on ? 0 : -1;
      });
    });
  }
  function selectEnv(env) {
    root.setAttribute('data-env', env); // the <style> from the layout shows the matching panels
    store('rs-env', env);
    syncTabs(env);
  }
  if (tabGroups.length) {
    syncTabs(currentEnv());
    tabGroups.forEach(function (group) {
      var list = group.querySelector('[role="tablist"]');
      if (!list) return;
      list.addEventListener('click', function (event) {
        var tab = event.target.closest('[role="tab"]');
        if (!tab) return;
        // Keep the clicked tab where it is on screen while other groups above it change height.
        var before = tab.getBoundingClientRect().top;
        selectEnv(tab.getAttribute('data-env'));
        var after = tab.getBoundingClientRect().top;
        if (after !== before) window.scrollBy(0, after - before);
      });
      list.addEventListener('keydown', function (event) {
        var tabs = $all('[role="tab"]', list);
        var i = tabs.indexOf(doc.activeElement);
        if (i < 0) return;
        var next = -1;
        if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = (i + 1) % tabs.length;
        else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') next = (i - 1 + tabs.length) % tabs.length;
        else if (event.key === 'Home') next = 0;
        else if (event.key === 'End') next = tabs.length - 1;
        if (next < 0) return;
        event.preventDefault();
        selectEnv(tabs[next].getAttribute('data-env'));
        tabs[next].focus();
      });
    });
  }

  /* ---------------------------------------------------------- code blocks */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = doc.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      doc.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = doc.execCommand('copy');
      } catch (_) {
        ok = false;
      }
      area.remove();
      if (ok) resolve();
      else reject(new Error('copy refused'));
    });
  }
  $all('.article pre').forEach(function (pre) {
    var wrap = doc.createElement('div');
    wrap.className = 'code-block';
    pre.parentNode.insertBefore(wrap, pre);
    wrap.appendChild(pre);
    var button = doc.createElement('button');
    button.type = 'button';
    button.className = 'copy-button';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy code to clipboard');
    wrap.appendChild(button);
    var timer;
    button.addEventListener('click', function () {
      var code = pre.querySelector('code') || pre;
      // Exactly the block's text, minus the final newline: pasted into a terminal, a trailing
      // newline would run the last command before the reader has checked it.
      copyText(code.textContent.replace(/\n$/, '')).then(
        function () {
          button.textContent = 'Copied';
          button.classList.add('is-copied');
          announce('Copied to clipboard');
        },
        function () {
          button.textContent = 'Copy failed';
          announce('Could not copy: select the text and copy it by hand');
        },
      );
      clearTimeout(timer);
      timer = setTimeout(function () {
        button.textContent = 'Copy';
        button.classList.remove('is-copied');
      }, 2000);
    });
  });
  /* A region that scrolls sideways must be reachable from the keyboard. */
  $all('.article table').forEach(function (table) {
    var wrap = doc.createElement('div');
    wrap.className = 'table-wrap';
    table.parentNode.insertBefore(wrap, table);
    wrap.appendChild(table);
  });
  function markScrollable() {
    $all('.article pre, .article .table-wrap').forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0');
      } else if (el.getAttribute('tabindex') === '0' && !el.classList.contains('env-tabs__panel')) {
        el.removeAttribute('tabindex');
      }
    });
  }
  markScrollable();
  var resizeTimer;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(markScrollable, 150);
  });
  /* Panels become visible when another env is picked: check their code blocks again. */
  new MutationObserver(markScrollable).observe(root, { attributes: true, attributeFilter: ['data-env'] });

  /* ---------------------------------------------------------- navigation */
  var menuButton = doc.querySelector('.menu-button');
  var siteNav = doc.getElementById('site-nav');
  function setMenu(open) {
    if (!menuButton || !siteNav) return;
    menuButton.setAttribute('aria-expanded', String(open));
    siteNav.classList.toggle('is-open', open);
    doc.body.classList.toggle('menu-open', open);
    if (open) keepCurrentInView();
  }
  if (menuButton && siteNav) {
    menuButton.addEventListener('click', function () {
      setMenu(menuButton.getAttribute('aria-expanded') !== 'true');
    });
    doc.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' && menuButton.getAttribute('aria-expanded') === 'true') {
        setMenu(false);
        menuButton.focus();
      }
    });
  }
  /* The current page must be visible in the section nav without scrolling the sidebar. */
  function keepCurrentInView() {
    if (!siteNav) return;
    var current = siteNav.querySelector('.section-nav [aria-current="page"]');
    if (!current || siteNav.scrollHeight <= siteNav.clientHeight) return;
    var navBox = siteNav.getBoundingClientRect();
    var box = current.getBoundingClientRect();
    if (box.top < navBox.top || box.bottom > navBox.bottom) {
      siteNav.scrollTop += box.top - navBox.top - siteNav.clientHeight / 3;
    }
  }
  keepCurrentInView();

  /* ---------------------------------------------------------- scrollspy */
  var tocLinks = $all('.toc a[href^="#"]');
  if (tocLinks.length && 'IntersectionObserver' in window) {
    var targets = tocLinks
      .map(function (a) {
        var id = decodeURIComponent(a.getAttribute('href').slice(1));
        return { link: a, heading: doc.getElementById(id) };
      })
      .filter(function (t) { return t.heading; });
    var atEnd = false;
    var active = null;
    var update = function () {
      var line = Math.min(window.innerHeight * 0.3, 200);
      var pick = null;
      targets.forEach(function (t) {
        if (t.heading.getBoundingClientRect().top <= line) pick = t;
      });
      if (atEnd && targets.length) pick = targets[targets.length - 1];
      if (pick === active) return;
      if (active) {
        active.link.removeAttribute('aria-current');
        active.link.classList.remove('is-active');
      }
      active = pick;
      if (active) {
        active.link.setAttribute('aria-current', 'true');
        active.link.classList.add('is-active');
      }
    };
    var thresholds = [0, 0.25, 0.5, 0.75, 1];
    var spy = new IntersectionObserver(update, { threshold: thresholds });
    targets.forEach(function (t) { spy.observe(t.heading); });
    /* Sections between headings: watch the article's blocks coarsely through the headings' siblings. */
    var end = doc.querySelector('.page-footer');
    if (end) {
      new IntersectionObserver(function (entries) {
        atEnd = entries[0].isIntersecting && entries[0].intersectionRatio > 0.9;
        update();
      }, { threshold: [0, 0.9, 1] }).observe(end);
    }
    var ticking = false;
    window.addEventListener('scroll', function () {
      if (ticking) return;
      ticking = true;
      requestAnimationFrame(function () {
        ticking = false;
        update();
      });
    }, { passive: true });
    update();
  }

  /* ---------------------------------------------------------- search */
  var box = doc.querySelector('.search');
  var input = doc.getElementById('search-input');
  var list = doc.getElementById('search-results');
  var status = doc.getElementById('search-status');
  if (!box || !input || !list) return;

  var engine = null; // { search(q) } once loaded
  var loading = null;
  var results = [];
  var activeIndex = -1;
  var lastQuery = '';

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      if (window.MiniSearch) return resolve();
      var s = doc.createElement('script');
      s.src = src;
      s.onload = function () { resolve(); };
      s.onerror = function () { reject(new Error('could not load ' + src)); };
      doc.head.appendChild(s);
    });
  }

  function load() {
    if (loading) return loading;
    var indexUrl = box.getAttribute('data-index');
    var engineUrl = box.getAttribute('data-engine');
    if (!indexUrl || !engineUrl) return (loading = Promise.reject(new Error('no search index')));
    loading = Promise.all([
      loadScript(engineUrl),
      fetch(indexUrl).then(function (r) {
        if (!r.ok) throw new Error('search index: HTTP ' + r.status);
        return r.json();
      }),
    ]).then(function (parts) {
      var data = parts[1];
      var pages = data.pages;
      var sections = data.sections;
      // t: the page title, on the page's own entry (anchor ""), so a title search lands on the
      // page; p: the same title on its sections, weighted low, so "backlog impact" finds the
      // Impact section of the backlog runbook; h: section heading; x: section text.
      var ms = new window.MiniSearch({
        fields: ['t', 'p', 'h', 'x'],
        idField: 'i',
        extractField: function (doc, field) {
          return doc[field];
        },
      });
      var docs = sections.map(function (s, i) {
        var title = pages[s[0]][1];
        return { i: i, t: s[1] ? '' : title, p: s[1] ? title : '', h: s[1] ? s[2] : '', x: s[3] };
      });
      return ms.addAllAsync(docs, { chunkSize: 2000 }).then(function () {
        engine = {
          search: function (q) {
            var perPage = {};
            return ms
              .search(q, {
                prefix: true,
                fuzzy: function (term) { return term.length > 4 ? 0.2 : 0; },
                boost: { t: 3, p: 0.5, h: 1.6 },
                combineWith: 'AND',
              })
              .filter(function (r) {
                // At most three hits per page, so one long page cannot fill the list.
                var p = sections[r.id][0];
                perPage[p] = (perPage[p] || 0) + 1;
                return perPage[p] <= 3;
              })
              .slice(0, 8)
              .map(function (r) {
                var s = sections[r.id];
                var page = pages[s[0]];
                return { url: page[0] + (s[1] ? '#' + s[1] : ''), title: page[1], heading: s[1] ? s[2] : '', text: s[3], terms: r.terms };
              });
          },
        };
      });
    });
    loading.catch(function () {
      setStatus('Search is unavailable right now. Use the section list instead.');
    });
    return loading;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  function highlight(text, terms) {
    if (!terms.length) return escapeHtml(text);
    var re = new RegExp('(' + terms.map(escapeRegExp).join('|') + ')', 'gi');
    return text
      .split(re)
      .map(function (part, i) { return i % 2 ? '<mark>' + escapeHtml(part) + '</mark>' : escapeHtml(part); })
      .join('');
  }
  function snippet(text, terms) {
    var lower = text.toLowerCase();
    var at = -1;
    terms.forEach(function (t) {
      var i = lower.indexOf(t.toLowerCase());
      if (i >= 0 && (at < 0 || i < at)) at = i;
    });
    if (at < 0) at = 0;
    var start = Math.max(0, at - 50);
    if (start > 0) {
      var space = text.indexOf(' ', start);
      if (space > 0 && space < at) start = space + 1;
    }
    var end = Math.min(text.length, start + 160);
    var cut = text.slice(start, end);
    return (start > 0 ? '… ' : '') + highlight(cut, terms) + (end < text.length ? ' …' : '');
  }

  function setStatus(text) {
    if (!status) return;
    status.textContent = text;
    status.hidden = !text;
  }

  function setOpen(open) {
    list.hidden = !open || !results.length;
    input.setAttribute('aria-expanded', String(open && results.length > 0));
    box.classList.toggle('is-open', open);
    if (!open) {
      setActive(-1);
      setStatus('');
    }
  }

  function setActive(i) {
    var options = $all('[role="option"]', list);
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
  }

  function render(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.setAttribute('data-query', query); // which query the list shows (typing re-renders it)
    list.innerHTML = results
      .map(function (r, i) {
        var matched = (r.terms || []).concat(terms);
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
  }

  var searchTimer;
  function runSearch() {
    var q = input.value.trim();
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
      load().then(function () {
        if (lastQuery === q) runSearch();
      }, function () {});
      return;
    }
    results = engine.search(q);
    render(q);
  }

  input.addEventListener('focus', function () {
    load().catch(function () {});
    if (input.value.trim().length >= 2) runSearch();
  });
  input.addEventListener('input', function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 60);
  });
  function go(i) {
    var r = results[i];
    if (!r) return;
    setOpen(false);
    window.location.href = r.url;
  }
  input.addEventListener('keydown', function (event) {
    var open = !list.hidden;
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
    var option = event.target.closest('[role="option"]');
    if (!option) return;
    var i = $all('[role="option"]', list).indexOf(option);
    if (i !== activeIndex) setActive(i);
  });
  list.addEventListener('click', function (event) {
    if (event.target.closest('[role="option"]')) setOpen(false);
  });
  doc.addEventListener('click', function (event) {
    if (!box.contains(event.target)) setOpen(false);
  });
  /* `/` opens search from anywhere except while typing in a field. */
  doc.addEventListener('keydown', function (event) {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    var tag = t && t.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (t && t.isContentEditable)) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
})();
