/**
 * Mermaid diagrams: loaded only on pages that have a ```mermaid block (the layout adds this
 * script and the self-hosted mermaid library after it). Each block's source stays in the page
 * (readable with JavaScript off); the drawn diagram is put after it and the source then hidden.
 */
function drawDiagrams() {
  var mermaid = window.mermaid;
  if (!mermaid) return;
  var blocks = document.querySelectorAll('pre > code.language-mermaid');
  if (!blocks.length) return;
  var dark = document.documentElement.getAttribute('data-theme') === 'dark';
  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: dark ? 'dark' : 'default' });
  var nodes = [];
  blocks.forEach(function (code) {
    var pre = code.parentNode;
    var figure = document.createElement('div');
    figure.className = 'diagram';
    figure.textContent = code.textContent;
    pre.parentNode.insertBefore(figure, pre.nextSibling);
    nodes.push({ pre: pre, figure: figure });
  });
  mermaid
    .run({ nodes: nodes.map(function (n) { return n.figure; }) })
    .then(function () {
      nodes.forEach(function (n) {
        if (n.figure.querySelector('svg')) n.pre.hidden = true;
      });
    })
    .catch(function () {
      // A diagram mermaid cannot read: its source stays shown as written.
      nodes.forEach(function (n) {
        if (!n.figure.querySelector('svg')) n.figure.remove();
      });
    });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawDiagrams);
else drawDiagrams();
