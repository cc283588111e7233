/** Highlighted HTML for a code block's text; plain escaped text for languages we don't know. */
export function highlight(code: string, lang: string | undefined): string;
/** A complete `<pre><code>` block, as Markdown renders fenced code. */
export function codeBlock(code: string, lang: string | undefined): string;
