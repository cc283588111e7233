/** A page's Markdown as HTML (md4c through md4w, GitHub-flavoured, code highlighted at build time). */
export function renderMarkdown(text: string): string;
