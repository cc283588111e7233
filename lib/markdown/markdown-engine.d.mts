/** A page's Markdown as HTML (md4c through md4w, GitHub-flavoured, code highlighted at build time). */
export function renderMarkdown(text: string): string;
/** Settles once the WebAssembly engine is ready; renderMarkdown() may be called only after. */
export const markdownReady: Promise<void>;
/** Whether `html` (renderMarkdown(text)) holds HTML the author wrote in `text`. */
export function hasRawHtml(text: string, html: string): boolean;
/** md4c's tree of a Markdown text (md4w's JSON), with the options renderMarkdown() uses. */
export function markdownTree(text: string): { children: (string | MdNode)[] };
export interface MdNode {
  type: number;
  props?: Record<string, unknown>;
  children?: (string | MdNode)[];
}
