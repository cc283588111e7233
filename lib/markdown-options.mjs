/**
 * marked's options for every page, shared by the main thread and the markdown workers.
 * Passed per call, never set on marked's global instance. `mangle: false` because marked's default
 * obfuscates e-mail links with random entities, which makes two builds of the same input differ
 * (FACTS.md). Heading ids are left to the headings stage. Plain JavaScript, like highlight.mjs
 * (types in markdown-options.d.mts).
 */
import { highlight } from './highlight.mjs';

export const engineOptions = {
  gfm: true,
  mangle: false,
  headerIds: false,
  langPrefix: 'hljs language-',
  highlight: (code, lang) => highlight(code, lang),
};
