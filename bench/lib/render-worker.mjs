/** A worker for bench/threads.mjs: renders a batch of Markdown texts with the project's md4c engine (its own instance). */
import { markdownReady, renderMarkdown } from '../../lib/markdown/markdown-engine.mjs';

await markdownReady;

export default function render(texts) {
  return texts.map((t) => renderMarkdown(t));
}
