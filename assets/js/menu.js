/**
 * The mobile menu (a dialog over the page: focus stays inside it, a Close button, Esc closes it,
 * focus goes back to the Menu button), the current page kept in view in the section nav, and the
 * header that gives the page more room once the reader scrolls down (html.is-scrolled).
 */
import { $all, doc, root } from './dom.js';
import { onScroll } from './on-scroll.js';

/** The current page must be visible in the section nav without scrolling the sidebar. */
function keepCurrentInView(siteNav) {
  const current = siteNav.querySelector('.section-nav [aria-current="page"]');
  if (!current || siteNav.scrollHeight <= siteNav.clientHeight) return;
  const navBox = siteNav.getBoundingClientRect();
  const box = current.getBoundingClientRect();
  if (box.top < navBox.top || box.bottom > navBox.bottom) {
    siteNav.scrollTop += box.top - navBox.top - siteNav.clientHeight / 3;
  }
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex="-1"])';

function visibleFocusable(scope) {
  return $all(FOCUSABLE, scope).filter(function (el) {
    return el.offsetParent !== null || el.getClientRects().length > 0;
  });
}

function initHeader() {
  // Hysteresis, so the header's own change of height cannot flip the state back and forth.
  let scrolled = false;
  const update = function () {
    const y = window.scrollY;
    if (!scrolled && y > 64) scrolled = true;
    else if (scrolled && y < 8) scrolled = false;
    else return;
    root.classList.toggle('is-scrolled', scrolled);
  };
  onScroll(update);
  update();
}

export function initMenu() {
  initHeader();
  const menuButton = doc.querySelector('.menu-button');
  const siteNav = doc.getElementById('site-nav');
  if (!siteNav) return;
  keepCurrentInView(siteNav);
  if (!menuButton) return;
  const closeButton = siteNav.querySelector('.menu-close');
  // Everything but the menu is inert while it is open: Tab cannot wander under the overlay.
  const outside = function () {
    return $all('body > *, .site-body > *').filter(function (el) {
      return el !== siteNav && !el.contains(siteNav) && el.id !== 'rs-live';
    });
  };
  const isOpen = function () {
    return menuButton.getAttribute('aria-expanded') === 'true';
  };
  const setMenu = function (open, restoreFocus) {
    menuButton.setAttribute('aria-expanded', String(open));
    siteNav.classList.toggle('is-open', open);
    doc.body.classList.toggle('menu-open', open);
    if (open) {
      siteNav.setAttribute('role', 'dialog');
      siteNav.setAttribute('aria-modal', 'true');
    } else {
      siteNav.removeAttribute('role');
      siteNav.removeAttribute('aria-modal');
    }
    outside().forEach(function (el) {
      if (open) el.setAttribute('inert', '');
      else el.removeAttribute('inert');
    });
    if (open) {
      keepCurrentInView(siteNav);
      (closeButton || siteNav).focus({ preventScroll: true });
    } else if (restoreFocus) {
      menuButton.focus();
    }
  };
  menuButton.addEventListener('click', function () {
    setMenu(!isOpen(), false);
  });
  if (closeButton) {
    closeButton.addEventListener('click', function () {
      setMenu(false, true);
    });
  }
  doc.addEventListener('keydown', function (event) {
    if (!isOpen()) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      setMenu(false, true);
    } else if (event.key === 'Tab') {
      const items = visibleFocusable(siteNav);
      if (!items.length) return;
      const first = items[0];
      const last = items[items.length - 1];
      if (event.shiftKey && (doc.activeElement === first || !siteNav.contains(doc.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (doc.activeElement === last || !siteNav.contains(doc.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  // Widening the window past the phone layout closes the overlay (the sidebar shows instead).
  const wide = window.matchMedia ? window.matchMedia('(min-width: 768px)') : null;
  if (wide && wide.addEventListener) {
    wide.addEventListener('change', function () {
      if (wide.matches && isOpen()) setMenu(false, false);
    });
  }
}
