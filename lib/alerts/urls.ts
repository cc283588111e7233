/**
 * Permanent alert URLs: `/alerts/<segment>/` for every alert a runbook lists, written into alert
 * rules as `runbook_url` and kept working whatever page the alert moves to.
 *
 * The segment is the alert name with its case kept. Letters A-Z a-z, digits, `.`, `_` and `-`
 * stay as they are; every other character becomes `~` and the two upper-case hex digits of each
 * of its UTF-8 bytes (a space is `~20`, `/` is `~2F`, `~` itself is `~7E`), and a leading `.` is
 * `~2E` (a folder starting with a dot is a hidden file, which servers refuse). `~` is URL-safe, so
 * the segment is the same in the URL, on disk and in nginx's decoded `$uri`: no host decodes it
 * differently. Decision: docs/decisions.md, "Alert links (issue 15)".
 */
import { originOf, withBase } from '../urls/base.ts';
import { urlFromPermalink } from '../util/text.ts';

const SAFE = /[A-Za-z0-9._-]/;

/** The URL path segment of an alert name (see the rule above). */
export function alertSegment(name: string): string {
  let out = '';
  for (const ch of name) {
    if (SAFE.test(ch) && !(out === '' && ch === '.')) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The permalink (no slashes around it) of an alert's permanent URL. */
export function alertPermalink(name: string): string {
  return `alerts/${alertSegment(name)}`;
}

/** Site path of an alert's permanent URL, e.g. `/alerts/KubePodCrashLooping/` (no base path). */
export function alertUrl(name: string): string {
  return urlFromPermalink(alertPermalink(name));
}

/** The lowercase form that also works: the rule applied to the lowercased name. */
export function alertUrlLower(name: string): string {
  return alertUrl(name.toLowerCase());
}

/** A URL path the build generated (base path included) as readers get it: absolute when site.yml sets `url`. */
export function publicUrl(siteUrl: string | undefined, href: string): string {
  return `${siteUrl ? originOf(siteUrl) : ''}${href}`;
}

/** The permanent URL to write into an alert rule's runbook_url (base path included; absolute with `url`). */
export function alertPublicUrl(ctx: { site: { url?: string }; base: string }, name: string): string {
  return publicUrl(ctx.site.url, withBase(ctx.base, alertUrl(name)));
}
