/**
 * Raw HTML in runbooks, cut down to what GitHub shows (issue 12). Reviewers approve pull requests
 * in GitHub, which sanitizes HTML, so the site must not run what the reviewer could not see:
 * `<script>`, `<iframe>`, `onerror=`, `javascript:` and `data:` URLs, `<form>`, `<style>`... are
 * removed, each removal reported so the author can see what was dropped. `<details>`/`<summary>`,
 * tables, `<kbd>`, `<sup>`, images with http(s) sources stay.
 *
 * The allowlist is GitHub's, as hast-util-sanitize keeps it (its default schema); the sanitizing
 * is sanitize-html's. Both chosen by measurement: docs/decisions.md "Hardening (issue 12)".
 *
 * Only the HTML md4c rendered from a page's own text passes through here: the helpers' HTML
 * (environment tabs, callouts) and highlight.js spans from the build's own code are not content.
 * md4c writes safe HTML by construction except for what the author typed as HTML and the URLs of
 * links and images, so a page with neither (most pages) costs two quick checks, not a parse.
 */
import { Parser } from 'htmlparser2';
import { defaultSchema } from 'hast-util-sanitize';
import sanitizeHtml from 'sanitize-html';

/** One thing the sanitizer took out of a page. */
export interface Removal {
  /** The element (lowercase) it was in, or that was removed. */
  tag: string;
  /** The attribute removed; absent when the whole element was. */
  attribute?: string;
  /** The attribute's value as written, entities not decoded (for URLs: what was linked). */
  value?: string;
}

/** URL schemes GitHub keeps, per attribute (relative URLs are always kept). */
const PROTOCOLS = defaultSchema.protocols as Record<string, string[]>;
export const URL_ATTRIBUTES: readonly string[] = ['href', 'src', 'cite', 'longdesc'];

/** hast property names (`className`, `ariaLabel`, `dataFootnoteRef`) as HTML attribute names. */
function attributeName(property: string): string {
  if (property === 'className') return 'class';
  if (property === 'htmlFor') return 'for';
  if (property === 'acceptCharset') return 'accept-charset';
  if (/^(aria|data)[A-Z]/.test(property)) return property.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return property.toLowerCase();
}

type Allowed = NonNullable<sanitizeHtml.IOptions['allowedAttributes']>;

/** GitHub's allowlist (hast-util-sanitize's default schema) in sanitize-html's terms. */
function githubOptions(): sanitizeHtml.IOptions {
  const allowedAttributes: Allowed = {};
  const allowedClasses: Record<string, (string | RegExp)[]> = {};
  for (const [tag, list] of Object.entries(defaultSchema.attributes ?? {})) {
    const names: (string | { name: string; values: string[] })[] = [];
    for (const entry of list) {
      if (typeof entry === 'string') {
        names.push(attributeName(entry));
        continue;
      }
      const [property, ...values] = entry as [string, ...(string | number | boolean | RegExp | null | undefined)[]];
      const name = attributeName(property);
      if (name === 'class') (allowedClasses[tag] ??= []).push(...(values as (string | RegExp)[]));
      else if (values.every((v) => typeof v === 'string')) names.push({ name, values: values as string[] });
      else names.push(name); // `disabled: true`: a boolean attribute
    }
    // `name` names a form control or image on `document` (DOM clobbering: <img name="querySelector">
    // would break the site's scripts); GitHub prefixes it, we keep it on links only.
    allowedAttributes[tag] = names.filter((n) => n !== 'name' || tag === 'a');
  }
  // What md4c and highlight.js write into the HTML of any page: task-list checkboxes and code classes.
  (allowedClasses.input ??= []).push('task-list-item-checkbox');
  (allowedClasses.code ??= []).push('hljs');
  (allowedClasses.span ??= []).push(/^hljs-[a-z_-]+$/);
  allowedAttributes.input = ['type', 'checked', 'disabled', 'class'];
  return {
    allowedTags: [...(defaultSchema.tagNames ?? [])],
    allowedAttributes,
    allowedClasses,
    allowedSchemes: PROTOCOLS.href,
    allowedSchemesByTag: { img: PROTOCOLS.src, source: PROTOCOLS.src },
    allowedSchemesAppliedToAttributes: [...URL_ATTRIBUTES],
    allowProtocolRelative: true,
    // As GitHub's `required`: an input is only ever a checkbox (what task lists render); any other
    // is dropped. (Renaming it with transformTags instead made sanitize-html 2.18 close the wrong tag.)
    exclusiveFilter: (frame) => frame.tag === 'input' && frame.attribs.type?.toLowerCase() !== 'checkbox',
    disallowedTagsMode: 'discard',
  };
}

const OPTIONS = githubOptions();
const SAFE_SCHEME = new RegExp(`^(?:${[...new Set([...PROTOCOLS.href!, ...PROTOCOLS.src!])].join('|')}):`, 'i');
/** md4c's own link and image attributes (its output is regular: double quotes, `"` escaped). */
const MD4C_URL = /\s(?:href|src)="([^"]*)"/g;

/** Whether a URL is relative (no scheme) or uses a scheme GitHub keeps on links and images. */
function safeUrl(raw: string): boolean {
  // Browsers drop tabs and newlines inside URLs and ignore leading spaces and controls.
  const url = decodeEntities(raw).replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const colon = url.indexOf(':');
  if (colon === -1) return true;
  const boundary = url.search(/[/?#]/);
  if (boundary !== -1 && boundary < colon) return true; // `a/b:c`, `?x=y:z`, `#a:b`: no scheme
  return SAFE_SCHEME.test(url);
}

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  let out = '';
  new Parser({ ontext: (t) => (out += t) }, { decodeEntities: true }).end(s);
  return out;
}

/**
 * The HTML of a page's text as md4c rendered it, sanitized, with what was removed. `hasRawHtml`
 * says whether the author wrote any HTML (the markdown engine knows; see lib/markdown/markdown-engine.mjs).
 */
export function sanitizeRendered(html: string, hasRawHtml: boolean): { html: string; removed: Removal[] } {
  if (!hasRawHtml) {
    let safe = true;
    MD4C_URL.lastIndex = 0;
    for (let m = MD4C_URL.exec(html); m && safe; m = MD4C_URL.exec(html)) safe = safeUrl(m[1]!);
    if (safe) return { html, removed: [] };
  }
  // sanitize-html rewrites what it keeps (`<br>` becomes `<br />`), so the output differs from the
  // input even when nothing was removed: the before/after comparison runs only when an element it
  // saw may lose something (docs/decisions.md#sanitizer-precheck). The HTML is sanitized either way.
  let touched = false;
  const clean = sanitizeHtml(html, {
    ...OPTIONS,
    onOpenTag: (name, attribs) => {
      touched ||= mayRemove(name, attribs);
    },
  });
  return { html: clean, removed: touched && clean !== html ? removals(html, clean) : [] };
}

const TAGS: ReadonlySet<string> = new Set(OPTIONS.allowedTags || []);
/** Allowed attributes per tag (and `*`): `true`, or the only values allowed. */
const ATTRIBUTES: ReadonlyMap<string, ReadonlyMap<string, true | readonly string[]>> = new Map(
  Object.entries(OPTIONS.allowedAttributes || {}).map(([tag, list]) => [tag, new Map(list.map((a): [string, true | readonly string[]] => (typeof a === 'string' ? [a, true] : [a.name, a.values ?? []])))]),
);
const CLASSES = (OPTIONS.allowedClasses ?? {}) as Record<string, readonly (string | RegExp)[]>;
const NON_BOOLEAN: ReadonlySet<string> = new Set(sanitizeHtml.defaults.nonBooleanAttributes);
const EMPTY_OK: ReadonlySet<string> = new Set((sanitizeHtml.defaults as { allowedEmptyAttributes?: string[] }).allowedEmptyAttributes ?? []);

/**
 * Whether sanitize-html may take something out of this element (its tag, an attribute, a class,
 * an empty value, a URL scheme), by the same allowlist. It answers yes to everything the
 * sanitizer removes and to a few things it keeps (then the comparison finds nothing): a missed
 * removal would only lose its warning, never leave anything in the page.
 */
export function mayRemove(name: string, attribs: Record<string, string>): boolean {
  if (!TAGS.has(name)) return true;
  if (name === 'input' && attribs.type?.toLowerCase() !== 'checkbox') return true;
  for (const a of Object.keys(attribs)) {
    const value = attribs[a]!;
    if (a === 'class') {
      const allowed = [...(CLASSES[name] ?? []), ...(CLASSES['*'] ?? [])];
      if (value.split(/\s+/).some((c) => c && !allowed.some((x) => (typeof x === 'string' ? x === c : x.test(c))))) return true;
      continue;
    }
    const rule = ATTRIBUTES.get(name)?.get(a) ?? ATTRIBUTES.get('*')?.get(a);
    if (rule === undefined || (rule !== true && !rule.includes(value))) return true;
    if (value === '' && NON_BOOLEAN.has(a) && !EMPTY_OK.has(a)) return true;
    if (URL_ATTRIBUTES.includes(a) && !schemeKept(name, value)) return true;
  }
  return false;
}

/** Whether a URL (entities decoded) is relative or has a scheme sanitize-html keeps on this tag. */
function schemeKept(tag: string, raw: string): boolean {
  const url = raw.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const colon = url.indexOf(':');
  if (colon === -1) return true;
  const boundary = url.search(/[/?#]/);
  if (boundary !== -1 && boundary < colon) return true;
  const schemes = tag === 'img' || tag === 'source' ? PROTOCOLS.src! : PROTOCOLS.href!;
  return schemes.includes(url.slice(0, colon).toLowerCase());
}

interface Tag {
  name: string;
  attribs: Record<string, string>;
}

function tags(html: string): Tag[] {
  const out: Tag[] = [];
  // Values as written (entities kept): what the author's text holds, to find its line.
  new Parser({ onopentag: (name, attribs) => out.push({ name, attribs }) }, { decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true }).end(html);
  return out;
}

/**
 * What the sanitizer removed, by comparing the elements before and after: it keeps the elements
 * it allows, in order, and drops the others (keeping their text), so the elements after are the
 * ones before minus the removed ones. A kept element's missing or emptied attributes were removed.
 */
export function removals(before: string, after: string): Removal[] {
  const kept = tags(after);
  const out: Removal[] = [];
  let j = 0;
  for (const t of tags(before)) {
    const k = kept[j];
    if (!k || k.name !== t.name) {
      out.push({ tag: t.name });
      continue;
    }
    j++;
    for (const [attribute, value] of Object.entries(t.attribs)) {
      if (attribute in k.attribs && (k.attribs[attribute] !== '' || value === '')) continue;
      if (attribute === 'class' && k.attribs.class !== undefined) continue; // some classes kept
      out.push({ tag: t.name, attribute, value });
    }
  }
  return out;
}

const SCRIPT = 'scripts are not allowed in runbooks';

/** "removed the onerror attribute from <img>: scripts are not allowed in runbooks". */
export function describeRemoval(r: Removal): string {
  if (r.attribute === undefined) return `removed <${r.tag}>: ${elementReason(r.tag)}`;
  if (URL_ATTRIBUTES.includes(r.attribute)) {
    const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(decodeEntities(r.value ?? '').replace(/[\t\n\r]/g, ''))?.[1]?.toLowerCase();
    const what = r.tag === 'a' ? 'link' : 'address';
    if (scheme === 'javascript' || scheme === 'vbscript') return `removed the ${scheme}: ${what} from <${r.tag}>: ${SCRIPT}`;
    return `removed the ${scheme ? `${scheme}: ` : ''}${what} from <${r.tag}>: only ${r.tag === 'a' ? 'http(s), mailto and relative links' : 'http(s) and relative addresses'} are allowed in runbooks`;
  }
  if (/^on/.test(r.attribute)) return `removed the ${r.attribute} attribute from <${r.tag}>: ${SCRIPT}`;
  if (r.attribute === 'style') return `removed the style attribute from <${r.tag}>: styles are not allowed in runbooks (the site's own style applies)`;
  return `removed the ${r.attribute} attribute from <${r.tag}>: GitHub does not show it either`;
}

function elementReason(tag: string): string {
  if (tag === 'script' || tag === 'noscript') return SCRIPT;
  if (['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'portal'].includes(tag)) return 'embedded pages and plugins are not allowed in runbooks';
  if (['form', 'input', 'button', 'select', 'textarea', 'option', 'fieldset'].includes(tag)) return 'forms are not allowed in runbooks';
  if (tag === 'style' || tag === 'link') return "styles are not allowed in runbooks (the site's own style applies)";
  if (tag === 'meta' || tag === 'base') return 'page settings are not allowed in runbooks';
  return 'GitHub does not show it either, so runbooks cannot use it';
}

/** Where in the author's text a removal was written: a pattern to search for, in order. */
export function removalPattern(r: Removal): RegExp {
  const tag = r.tag.replace(/[^a-z0-9-]/g, '');
  if (r.attribute === undefined) return new RegExp(`<${tag}(?=[\\s/>])`, 'gi');
  const attribute = r.attribute.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`<${tag}(?=[\\s/>])[^>]*?[\\s/"']${attribute}(?=[\\s=/>])`, 'gi');
}
