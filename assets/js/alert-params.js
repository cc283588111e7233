/**
 * The alert's context in the page (issue 15). A runbook opened from an alert's link
 * (`/alerts/<name>/?env=prod&topic=api`, kept through the redirect) shows:
 *  - `env`: that environment's tab in every command group (tabs.js asks alertEnv), not remembered;
 *  - other names: the placeholders the runbook declares (`params:`), rendered by the build as
 *    <span class="rs-param" data-param="topic">{topic}</span>, filled as text (never HTML) and
 *    marked "from the alert". Undeclared names are ignored; unfilled placeholders stay `{topic}`.
 * Copy buttons copy the code's text, so they copy the filled command. Also: a Copy button for the
 * permanent alert URLs (<code data-copy>) on the runbook card and the Alerts page.
 */
import { $all, doc } from './dom.js';

/** The environment the alert's URL asks for, if it is one of the page's. */
export function alertEnv(ids) {
  const env = new URLSearchParams(location.search).get('env');
  return env && ids.indexOf(env) >= 0 ? env : null;
}

export function initAlertParams() {
  const query = new URLSearchParams(location.search);
  const filled = [];
  $all('.rs-param[data-param]').forEach(function (span) {
    const name = span.getAttribute('data-param');
    const value = query.get(name);
    if (!value) return;
    span.textContent = value; // text, never markup: a value with <script> or quotes shows as typed
    span.classList.add('is-filled');
    span.title = 'from the alert';
    if (filled.indexOf(name) < 0) filled.push(name);
  });
  if (filled.length) {
    const note = doc.createElement('p');
    note.className = 'alert-context';
    note.setAttribute('role', 'note');
    note.textContent = 'From the alert: ' + filled.map(function (n) { return n + ' = ' + query.get(n); }).join(', ') + '. Highlighted values in the commands come from the alert.';
    const title = doc.querySelector('.article h1');
    if (title) title.insertAdjacentElement('afterend', note);
  }
  $all('code[data-copy]').forEach(function (code) {
    const button = doc.createElement('button');
    button.type = 'button';
    button.className = 'copy-url';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy the permanent URL ' + code.textContent);
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(code.textContent).then(
        function () { button.textContent = 'Copied'; },
        function () { button.textContent = 'Select and copy'; },
      );
    });
    code.insertAdjacentElement('afterend', button);
  });
}
