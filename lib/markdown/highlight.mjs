/**
 * Syntax highlighting at build time, so no highlighter is shipped to the browser.
 *
 * highlight.js (core plus the languages runbooks use) rather than Shiki, which is much slower
 * (docs/decisions.md#highlighter). Terraform/HCL has no
 * highlight.js grammar in the package; those blocks are shown escaped and unhighlighted rather than
 * guessed as another language.
 *
 * Plain JavaScript with types in highlight.d.mts, so any Node process can load it without a
 * TypeScript loader (docs/decisions.md#markdown-threads).
 */
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import nginx from 'highlight.js/lib/languages/nginx';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import yaml from 'highlight.js/lib/languages/yaml';

/** @type {Readonly<Record<string, import('highlight.js').LanguageFn>>} */
const LANGUAGES = { bash, dockerfile, go, ini, javascript, json, nginx, plaintext, python, sql, typescript, yaml };
/** @type {Readonly<Record<string, string>>} */
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);
for (const [name, lang] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, lang);
hljs.registerAliases(['sh', 'shell', 'console', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['toml'], { languageName: 'ini' });
hljs.registerAliases(['text', 'txt'], { languageName: 'plaintext' });

/** Highlighted HTML for a code block's text; plain escaped text for languages we don't know. */
export function highlight(code, lang) {
  const name = (lang ?? '').trim().toLowerCase();
  if (name && hljs.getLanguage(name)) {
    return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
  }
  return escapeHtml(code);
}

/** A complete `<pre><code>` block, as Markdown renders fenced code. */
export function codeBlock(code, lang) {
  const cls = lang ? ` class="language-${escapeHtml(lang)} hljs"` : ' class="hljs"';
  return `<pre><code${cls}>${highlight(code, lang)}</code></pre>`;
}
