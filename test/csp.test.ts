/** lib/site/csp.ts on strings: which inline texts a layout's output holds, and the policy they give. */
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, CspFiller, inlineSources, sha256Source } from '../lib/site/csp.ts';

describe('Content-Security-Policy from a layout', () => {
  it('finds inline scripts and styles exactly as a browser reads them, not scripts with src', () => {
    const html = '<head><script>a()</script><SCRIPT type="module">b()</SCRIPT ><script defer src="/x.js"></script><style>p{}</style></head><body><script>\nvar s = "</script>";</script>';
    expect(inlineSources(html)).toEqual({ scripts: ['a()', 'b()', '\nvar s = "'], styles: ['p{}'] });
  });

  it('hashes the UTF-8 bytes with SHA-256, in base64 (known vectors)', () => {
    expect(sha256Source('')).toBe("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
    expect(sha256Source('abc')).toBe("'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
  });

  it('allows scripts only from the site itself or by hash, and never inline handlers', () => {
    const policy = contentSecurityPolicy({ scripts: ['abc', 'abc'], styles: [] });
    expect(policy).toBe(
      "default-src 'self'; script-src 'self' 'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='; style-src 'self'; img-src 'self' data: https: http:; object-src 'none'; base-uri 'self'; form-action 'self'",
    );
  });

  it('fills the placeholder wherever the layout wrote it, and leaves a layout without one alone', () => {
    const csp = new CspFiller('@@CSP@@');
    expect(csp.fill('<meta content="@@CSP@@"><script>abc</script>')).toContain("script-src 'self' 'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
    expect(csp.fill('<p>no placeholder</p><script>abc</script>')).toBe('<p>no placeholder</p><script>abc</script>');
  });
});

describe('deploy/nginx.conf', () => {
  /** Each `{ ... }` block of the config with the directives written directly in it (comments dropped). */
  function blocks(conf: string): { head: string; own: string }[] {
    const text = conf.replace(/#[^\n]*/g, '');
    const out: { head: string; own: string }[] = [];
    const stack: { head: string; own: string }[] = [];
    let at = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '"') i = text.indexOf('"', i + 1);
      else if (c === '{') {
        if (stack.length) stack[stack.length - 1]!.own += text.slice(at, i);
        const head = text.slice(text.lastIndexOf(';', i) + 1, i).replace(/[{}]/g, '').trim();
        stack.push({ head, own: '' });
        at = i + 1;
      } else if (c === '}') {
        const b = stack.pop()!;
        b.own += text.slice(at, i);
        out.push(b);
        at = i + 1;
      }
    }
    return out;
  }

  it('sends the Content-Security-Policy from every block that sets headers (add_header is not inherited into one that has its own)', async () => {
    const fs = await import('node:fs');
    const conf = fs.readFileSync(new URL('../deploy/nginx.conf', import.meta.url), 'utf8');
    const withHeaders = blocks(conf).filter((b) => /\badd_header\b/.test(b.own));
    expect(withHeaders.length).toBeGreaterThanOrEqual(2);
    for (const b of withHeaders) expect(b.own, `${b.head} sets headers but not the CSP`).toMatch(/add_header Content-Security-Policy \$rs_csp always;/);
    expect(conf).toMatch(/map \$request_method \$rs_csp \{\s*default "default-src 'self'; script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+; /);
  });
});
