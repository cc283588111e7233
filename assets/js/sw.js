/**
 * The service worker: after one visit the whole site works offline (issue 16). Bundled on its own
 * by the offline stage (plugins/offline.ts), which puts the release's manifest in front of it as
 * `self.RS_MANIFEST = { release, built, urls, pages }` (URLs relative to the worker's own folder,
 * the site's base path), so every release has a worker of different bytes and the browser installs
 * it on the next visit.
 *
 * One cache per release, filled whole at install: a reader never gets a page of one release with
 * the CSS or search index of another.
 * - Pages (navigations): the network first, so an online reader always gets the published
 *   release (a new one, or a rolled-back one) with its own assets; the cached copy of this
 *   worker's release when the network or the host is down, marked "offline copy from <date>".
 * - Fingerprinted assets (/assets/name.<hash>.ext): the cache first; a name is one content.
 * - Anything the manifest does not list (the dev server's live-reload stream, other paths under
 *   the origin): not touched.
 */
/* eslint-env serviceworker */
const manifest = self.RS_MANIFEST;
const CACHE = 'rs-' + manifest.release;
const scope = self.registration.scope;
/** @type {ReadonlySet<string>} */
const listed = new Set(
  manifest.urls.map(function (u) {
    return new URL(u, scope).href;
  }),
);
const NETWORK_TIMEOUT = 4000;

/** Fetches every URL of the release, each fresh from the server (not the browser's HTTP cache). */
async function precache() {
  const cache = await caches.open(CACHE);
  const urls = Array.from(listed);
  for (let i = 0; i < urls.length; i += 8) {
    await Promise.all(
      urls.slice(i, i + 8).map(async function (url) {
        // Low priority: the copy is made in the background while the reader may be searching, and the
        // search's own pieces must not queue behind it (docs/decisions.md#search-first-result).
        const res = await fetch(url, { cache: 'no-cache', credentials: 'same-origin', priority: 'low' });
        // A page missing or failing means the host is not serving this release whole.
        if (!res.ok) throw new Error('offline copy: ' + url + ' answered ' + res.status);
        // A permanent address the server redirects (/alerts/<name>/ -> its runbook): kept as the
        // redirect, so offline it leads to the same page (which is in the copy too).
        if (res.redirected) await cache.put(url, new Response('', { headers: { 'X-RS-Redirect': res.url } }));
        else await cache.put(url, res);
      }),
    );
  }
  // The release must not have changed while it was copied (a deploy during the install): this
  // worker's script, fetched again, still names it. Otherwise the copy could mix two releases.
  const again = await fetch(new URL('sw.js', scope).href, { cache: 'no-store' });
  if (!again.ok || (await again.text()).indexOf(manifest.release) < 0) throw new Error('offline copy: a new release was published during the copy');
}

self.addEventListener('install', function (event) {
  event.waitUntil(
    precache().then(
      function () {
        return self.skipWaiting();
      },
      function (err) {
        // Never keep half a release: the previous worker and its cache stay in charge.
        return caches.delete(CACHE).then(function () {
          throw err;
        });
      },
    ),
  );
});

self.addEventListener('activate', function (event) {
  // Keep this release and the one before it (a page of it may still be open and load its search
  // index); older copies go.
  event.waitUntil(
    caches
      .keys()
      .then(function (keys) {
        const ours = keys.filter(function (k) {
          return k.indexOf('rs-') === 0 && k !== CACHE;
        });
        return Promise.all(
          ours.slice(0, -1).map(function (k) {
            return caches.delete(k);
          }),
        );
      })
      .then(function () {
        return self.clients.claim();
      }),
  );
});

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    const timer = setTimeout(function () {
      reject(new Error('timeout'));
    }, ms);
    promise.then(
      function (v) {
        clearTimeout(timer);
        resolve(v);
      },
      function (e) {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** The cached page, with its badge filled in: the reader must know it may be out of date. */
async function offlinePage(url) {
  const cache = await caches.open(CACHE);
  let res = await cache.match(url, { ignoreSearch: true });
  let status = 200;
  if (!res) {
    res = await cache.match(new URL('404.html', scope).href);
    status = 404;
  }
  if (!res) return Response.error();
  const moved = res.headers.get('X-RS-Redirect');
  if (moved) return Response.redirect(moved, 301);
  const html = (await res.text()).replace(
    '<p class="offline-badge" hidden data-rs-offline></p>',
    '<p class="offline-badge" role="status" data-rs-offline>Offline copy from ' + manifest.built + '</p>',
  );
  return new Response(html, { status: status, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

self.addEventListener('fetch', function (event) {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.href.indexOf(scope) !== 0) return;
  const bare = url.origin + url.pathname;
  if (request.mode === 'navigate') {
    event.respondWith(
      withTimeout(fetch(request), NETWORK_TIMEOUT).catch(function () {
        return offlinePage(bare);
      }),
    );
    return;
  }
  if (!listed.has(bare)) return;
  if (/\/assets\/[^/]+\.[0-9a-f]{8,16}\.[A-Za-z0-9]+$/.test(url.pathname)) {
    event.respondWith(
      caches.match(bare).then(function (hit) {
        return hit || fetch(request);
      }),
    );
    return;
  }
  event.respondWith(
    fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(bare).then(function (hit) {
          return hit || Response.error();
        });
      });
    }),
  );
});
