/**
 * Code blocks: a bar above each block with Wrap and Copy, so the buttons never cover the code.
 * Wrap is one choice for every block on every page (html[data-wrap] = on | off, remembered as
 * rs-wrap and applied before paint by the head script); with no choice, narrow screens wrap
 * (assets/site.css) and wide ones scroll.
 */
import { $all, announce, doc, root, store } from './dom.js';

function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  return new Promise(function (resolve, reject) {
    const area = doc.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    doc.body.appendChild(area);
    area.select();
    let ok = false;
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

function button(className, text, label) {
  const b = doc.createElement('button');
  b.type = 'button';
  b.className = className;
  b.textContent = text;
  if (label) b.setAttribute('aria-label', label);
  return b;
}

export function initCopy() {
  const narrow = window.matchMedia ? window.matchMedia('(max-width: 767px)') : null;
  const wrapped = function () {
    const w = root.getAttribute('data-wrap');
    if (w === 'on' || w === 'off') return w === 'on';
    return !!(narrow && narrow.matches);
  };
  const wrapButtons = [];
  const syncWrap = function () {
    const on = String(wrapped());
    wrapButtons.forEach(function (b) {
      b.setAttribute('aria-pressed', on);
    });
  };
  $all('.article pre').forEach(function (pre) {
    const block = doc.createElement('div');
    block.className = 'code-block';
    pre.parentNode.insertBefore(block, pre);
    const bar = doc.createElement('div');
    bar.className = 'code-block__bar';
    const wrap = button('wrap-button', 'Wrap', 'Wrap long lines');
    const copy = button('copy-button', 'Copy', 'Copy code to clipboard');
    bar.appendChild(wrap);
    bar.appendChild(copy);
    block.appendChild(bar);
    block.appendChild(pre);
    wrapButtons.push(wrap);
    wrap.addEventListener('click', function () {
      // Keep the block the reader is looking at where it is while every block above changes height.
      const before = wrap.getBoundingClientRect().top;
      const next = wrapped() ? 'off' : 'on';
      root.setAttribute('data-wrap', next);
      store('rs-wrap', next);
      syncWrap();
      const after = wrap.getBoundingClientRect().top;
      if (after !== before) window.scrollBy(0, after - before);
    });
    let timer;
    copy.addEventListener('click', function () {
      const code = pre.querySelector('code') || pre;
      // Exactly the block's text, minus the final newline: pasted into a terminal, a trailing
      // newline would run the last command before the reader has checked it.
      copyText(code.textContent.replace(/\n$/, '')).then(
        function () {
          copy.textContent = 'Copied';
          copy.classList.add('is-copied');
          announce('Copied to clipboard');
        },
        function () {
          copy.textContent = 'Copy failed';
          announce('Could not copy: select the text and copy it by hand');
        },
      );
      clearTimeout(timer);
      timer = setTimeout(function () {
        copy.textContent = 'Copy';
        copy.classList.remove('is-copied');
      }, 2000);
    });
  });
  syncWrap();
  if (narrow && narrow.addEventListener) narrow.addEventListener('change', syncWrap);
}
