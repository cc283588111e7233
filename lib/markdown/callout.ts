/**
 * The site's callout box, one markup for every way of writing one: the `callout` helper, GitHub
 * alerts, MkDocs and Docusaurus admonitions (lib/markdown/admonitions.ts). An HTML block with blank lines
 * inside, so Markdown still renders its content.
 */
import { escapeHtml } from '../util/text.ts';

export const CALLOUT_KINDS = { note: 'Note', warning: 'Warning', danger: 'Danger' } as const;
export type CalloutKind = keyof typeof CALLOUT_KINDS;

/**
 * `title` '' leaves the title line out (MkDocs `!!! note ""`); `collapsible` makes it a
 * <details> that opens on a click (MkDocs `???`, open at first with `???+`). `hold` gets the box's
 * own tags and returns what to write in their place: the build passes the page's HtmlStash (lib/markdown/shield.ts),
 * so the tags reach the page after the author's HTML is sanitized (lib/markdown/sanitize.ts would strip
 * their classes); the placeholder on a line of its own renders like the HTML block it stands for.
 */
export function calloutHtml(kind: CalloutKind, title: string, body: string, collapsible?: 'closed' | 'open', hold: (html: string) => string = (html) => html): string {
  const label = escapeHtml(title || CALLOUT_KINDS[kind]);
  if (collapsible) {
    return `\n${hold(`<details class="callout callout--${kind}"${collapsible === 'open' ? ' open' : ''}>\n<summary class="callout__title">${label}</summary>`)}\n\n${body.trim()}\n\n${hold('</details>')}\n`;
  }
  const heading = title ? `\n<p class="callout__title">${escapeHtml(title)}</p>` : '';
  return `\n${hold(`<aside class="callout callout--${kind}" role="note" aria-label="${label}">${heading}`)}\n\n${body.trim()}\n\n${hold('</aside>')}\n`;
}
