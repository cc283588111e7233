/** Small text utilities shared by plugins: HTML escaping, slugs, URL paths. */
import { decodeHTML } from 'entities';
import { slug as githubSlug } from 'github-slugger';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML text and attribute values. Metadata (titles...) always goes through this. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * A URL-safe slug for one path segment or heading. github-slugger keeps Unicode letters, so a
 * CJK or accented name keeps a readable URL (`队列` stays `队列`) instead of failing or vanishing;
 * a name with no letters or digits at all falls back to a stable hash so it still gets a URL.
 */
export function slugify(text: string, keepCase = false): string {
  const s = githubSlug(text.normalize('NFC'), keepCase);
  return s.replace(/^-+|-+$/g, '') || `page-${shortHash(text)}`;
}

/** The id the headings stage gives a heading with this text (GitHub's rules), before de-duplication. */
export function headingId(text: string): string {
  return githubSlug(text);
}

/** Slugs every segment of a `/`-separated path (letter case kept with `keepCase`: site.yml `url_case: preserve`). */
export function slugifyPath(p: string, keepCase = false): string {
  return p
    .split('/')
    .filter(Boolean)
    .map((segment) => slugify(segment, keepCase))
    .join('/');
}

/** A short stable hash (FNV-1a, 32 bit) for fallback names; not for security. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The root-relative URL of a page from its permalink (`queues/backlog` -> `/queues/backlog/`). */
export function urlFromPermalink(permalink: string): string {
  const clean = permalink.replace(/^\/+|\/+$/g, '');
  return clean ? `/${encodeURI(clean)}/` : '/';
}

/** Removes a leading UTF-8 byte order mark and normalizes CRLF / CR line endings to LF. */
export function normalizeNewlines(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

/** Plain text of a small HTML fragment (heading contents): tags dropped, entities decoded. */
export function htmlToText(html: string): string {
  return decodeHTML(html.replace(/<[^>]*>/g, '')).trim();
}
