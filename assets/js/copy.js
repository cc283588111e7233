/** Copy buttons on code blocks. */
import { $all, announce, doc } from './dom.js';

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

export function initCopy() {
  $all('.article pre').forEach(function (pre) {
    const wrap = doc.createElement('div');
    wrap.className = 'code-block';
    pre.parentNode.insertBefore(wrap, pre);
    wrap.appendChild(pre);
    const button = doc.createElement('button');
    button.type = 'button';
    button.className = 'copy-button';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy code to clipboard');
    wrap.appendChild(button);
    let timer;
    button.addEventListener('click', function () {
      const code = pre.querySelector('code') || pre;
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
}
