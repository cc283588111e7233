/**
 * The Content-Security-Policy every page carries (issue 12, defence in depth behind escaping and
 * the sanitizer): scripts and styles only from the site's own files or, inline, by the SHA-256 of
 * their exact text; no inline event handlers, no plugins, no foreign <base> or form targets.
 *
 * A layout writes `<meta http-equiv="Content-Security-Policy" content="{{csp}}">` (GitHub Pages
 * sends no headers, so the policy travels in the page); the layout stage fills it in from the
 * inline <script> and <style> elements the layout itself rendered, hashed at build time, so the
 * hashes can never drift from the text. Content never gets a hash: it is spliced in afterwards.
 * deploy/nginx.conf sends the same policy as a header (test/csp.test.ts keeps the two in step).
 */
import crypto from 'node:crypto';

/** Directives other than the hashed ones, the same on every page and in deploy/nginx.conf. */
export const BASE_DIRECTIVES: readonly string[] = [
  "default-src 'self'",
  // Images in runbooks may come from any http(s) host (as on GitHub); data: is the layout's favicon.
  "img-src 'self' data: https: http:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
];

export interface InlineSources {
  scripts: string[];
  styles: string[];
}

/**
 * The text of every inline <script> (one without `src`) and <style> element in a layout's output.
 * Script and style are raw-text elements: their content ends at the first `</script` or
 * `</style`, which is exactly how a browser reads them, so the hash covers the same bytes.
 */
export function inlineSources(html: string): InlineSources {
  const scripts: string[] = [];
  const styles: string[] = [];
  const open = /<(script|style)\b([^>]*)>/gi;
  const close = { script: /<\/script/gi, style: /<\/style/gi };
  for (let m = open.exec(html); m; m = open.exec(html)) {
    const name = m[1]!.toLowerCase() as 'script' | 'style';
    const start = m.index + m[0].length;
    close[name].lastIndex = start;
    const end = close[name].exec(html)?.index ?? html.length;
    const text = html.slice(start, end);
    if (name === 'style') styles.push(text);
    else if (!/\ssrc\s*=/i.test(` ${m[2]}`)) scripts.push(text);
    open.lastIndex = end;
  }
  return { scripts, styles };
}

/** `'sha256-…'` of a text as the browser hashes it (its UTF-8 bytes). */
export function sha256Source(text: string): string {
  return `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** The policy for a page whose layout rendered these inline scripts and styles. */
export function contentSecurityPolicy(inline: InlineSources): string {
  const hashes = (texts: string[]) => [...new Set(texts)].map(sha256Source);
  return [
    BASE_DIRECTIVES[0]!,
    ["script-src 'self'", ...hashes(inline.scripts)].join(' '),
    ["style-src 'self'", ...hashes(inline.styles)].join(' '),
    ...BASE_DIRECTIVES.slice(1),
  ].join('; ');
}

/**
 * Fills a layout's CSP placeholder with the policy for the inline sources around it. One build
 * renders the same few inline texts on every page, so each policy is computed once.
 */
export class CspFiller {
  private readonly policies = new Map<string, string>();

  constructor(readonly placeholder: string) {}

  fill(html: string): string {
    const at = html.indexOf(this.placeholder);
    if (at === -1) return html;
    const inline = inlineSources(html);
    const key = JSON.stringify(inline);
    let policy = this.policies.get(key);
    if (policy === undefined) {
      policy = contentSecurityPolicy(inline);
      this.policies.set(key, policy);
    }
    return html.split(this.placeholder).join(policy);
  }
}
