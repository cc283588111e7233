/**
 * The base path: where on its host the site lives (`/` at a domain's root, `/infra-runbooks/` on a
 * GitHub Pages project site, `/previews/pr-12/` for a preview). Every URL the build generates is
 * root-relative and starts with it; it comes from the path of site.yml's `url`, or from
 * `--base-path` / `--url` on the command line (docs/decisions.md, "Adoption and base path").
 */

/** Characters a base path may hold: a URL path's own (RFC 3986 pchar), no spaces, `?` or `#`. */
const SEGMENT = /^[A-Za-z0-9._~!$&'()*+,;=:@%\p{L}\p{N}-]+$/u;

/**
 * `infra-runbooks`, `/infra-runbooks`, `/infra-runbooks/` -> `/infra-runbooks/`; `` or `/` -> `/`.
 * Returns an error text (what is wrong, in plain words) for a path that cannot be one.
 */
export function normaliseBase(input: string): { base: string } | { error: string } {
  const segments = input.trim().split('/').filter(Boolean);
  for (const s of segments) {
    if (s === '.' || s === '..') return { error: `the base path "${input}" may not contain "${s}" as a folder` };
    if (!SEGMENT.test(s)) return { error: `the base path "${input}" has a character a URL path cannot hold in "${s}" (use letters, digits, dashes, dots and underscores)` };
  }
  return { base: segments.length ? `/${segments.map((s) => encodeURI(decodeSafe(s))).join('/')}/` : '/' };
}

/** The base path of a site URL (`https://example-org.github.io/infra-runbooks` -> `/infra-runbooks/`). */
export function baseOfUrl(url: string | undefined): string {
  if (!url) return '/';
  const r = normaliseBase(new URL(url).pathname);
  return 'base' in r ? r.base : '/';
}

/** The scheme and host of a site URL, with no path (`https://example-org.github.io`). */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/** A site path (`/queues/backlog/`, or `assets/x.css`) under the base (`/infra-runbooks/queues/backlog/`). */
export function withBase(base: string, sitePath: string): string {
  return base + sitePath.replace(/^\/+/, '');
}

/**
 * The site path of a URL path written under the base (`/infra-runbooks/queues/` -> `/queues/`);
 * undefined when it is not under the base.
 */
export function stripBase(base: string, urlPath: string): string | undefined {
  if (base === '/') return urlPath;
  if (urlPath === base.slice(0, -1)) return '/';
  return urlPath.startsWith(base) ? `/${urlPath.slice(base.length)}` : undefined;
}

function decodeSafe(s: string): string {
  try {
    return decodeURI(s);
  } catch {
    return s;
  }
}

/**
 * A `/`-separated path with each segment percent-encoded (`on call/what?#1.md` ->
 * `on%20call/what%3F%231.md`): `?`, `#`, `%` and spaces in a file name stay part of the name.
 */
export function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}
