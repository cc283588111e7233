/** Runs `update` at most once a frame while the page scrolls (a passive listener, so scrolling never waits for it). */
export function onScroll(update) {
  let ticking = false;
  window.addEventListener(
    'scroll',
    function () {
      if (ticking) return;
      ticking = true;
      requestAnimationFrame(function () {
        ticking = false;
        update();
      });
    },
    { passive: true },
  );
}
