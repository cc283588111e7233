/**
 * The service worker (assets/js/sw.js, published as sw.js at the base path by plugins/offline.ts):
 * registered once the page has loaded, so it never competes with the first paint. Only where the
 * build put one (not in the dev server) and never from file:// (the downloadable copy).
 */
import { root } from './dom.js';

export function initOffline() {
  const worker = root.getAttribute('data-sw');
  if (!worker || !('serviceWorker' in navigator) || location.protocol === 'file:') return;
  const register = function () {
    navigator.serviceWorker.register(worker, { scope: root.getAttribute('data-base') || '/', updateViaCache: 'none' }).catch(function () {
      /* no offline copy this time (private mode, storage full): the site works as before */
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
}
