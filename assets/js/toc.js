/**
 * "On this page": the section being read is marked in the sidebar (scrollspy), and on long pages
 * the Back to top link floats in the corner once the reader is a screen down.
 */
import { $all, doc } from './dom.js';
import { onScroll } from './on-scroll.js';

function initBackToTop() {
  const link = doc.querySelector('.back-to-top');
  if (!link) return;
  const update = function () {
    const long = doc.documentElement.scrollHeight > window.innerHeight * 2.5;
    link.classList.toggle('is-floating', long);
    if (long) link.hidden = window.scrollY < window.innerHeight;
    else link.hidden = false;
  };
  onScroll(update);
  window.addEventListener('resize', update);
  update();
}

export function initToc() {
  initBackToTop();
  const tocLinks = $all('.toc a[href^="#"]');
  if (!tocLinks.length || !('IntersectionObserver' in window)) return;
  const targets = tocLinks
    .map(function (a) {
      const id = decodeURIComponent(a.getAttribute('href').slice(1));
      return { link: a, heading: doc.getElementById(id) };
    })
    .filter(function (t) {
      return t.heading;
    });
  let atEnd = false;
  let active = null;
  const update = function () {
    const line = Math.min(window.innerHeight * 0.3, 200);
    let pick = null;
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
  const spy = new IntersectionObserver(update, { threshold: [0, 0.25, 0.5, 0.75, 1] });
  targets.forEach(function (t) {
    spy.observe(t.heading);
  });
  // The last section may be too short to reach the line: at the page's end it is the one being read.
  const end = doc.querySelector('.page-footer');
  if (end) {
    new IntersectionObserver(
      function (entries) {
        atEnd = entries[0].isIntersecting && entries[0].intersectionRatio > 0.9;
        update();
      },
      { threshold: [0, 0.9, 1] },
    ).observe(end);
  }
  onScroll(update);
  update();
}
