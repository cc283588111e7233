/** The mobile menu, and the current page kept in view in the section nav. */
import { doc } from './dom.js';

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

export function initMenu() {
  const menuButton = doc.querySelector('.menu-button');
  const siteNav = doc.getElementById('site-nav');
  if (!siteNav) return;
  keepCurrentInView(siteNav);
  if (!menuButton) return;
  const setMenu = function (open) {
    menuButton.setAttribute('aria-expanded', String(open));
    siteNav.classList.toggle('is-open', open);
    doc.body.classList.toggle('menu-open', open);
    if (open) keepCurrentInView(siteNav);
  };
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
