/**
 * Assets: the files under assets/ published as `/assets/<name>.<hash>.<ext>`, the hash taken from
 * the content, so a server can cache them forever (`immutable`) and a new release never serves a
 * page with another release's CSS. The reader's scripts are ES modules in assets/js/, one feature a
 * file, bundled and minified into `site.js` from `js/main.js`; CSS is minified. Layouts get
 * `assets['site.css']` -> URL.
 * Reads: the files under assets/. Writes: the fingerprinted asset files, metadata assets (name -> URL).
 */
import fs from 'node:fs';
import type Metalsmith from 'metalsmith';
import { withBase } from '../lib/urls/base.ts';
import { bundleScript, minifyCss } from '../lib/site/bundle.ts';
import { createRequire } from 'node:module';
import type { BuildContext } from '../lib/core/context.ts';
import { fingerprint, type AssetMap } from '../lib/site/fingerprint.ts';
import { walk } from '../lib/io/walk.ts';

/** Folder of the front-end modules, and the bundle each entry module becomes. */
const MODULES = 'js/';
const BUNDLES: Readonly<Record<string, string>> = { 'js/main.js': 'site.js', 'js/diagrams.js': 'diagrams.js' };

/** Mermaid's own minified browser build (one file), published only when a page has a diagram. */
export const MERMAID_ASSET = 'mermaid.js';
function mermaidSource(): Buffer {
  return fs.readFileSync(createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js'));
}

export default function assets(ctx: BuildContext): Metalsmith.Plugin {
  return function assets(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:assets');
    const map: AssetMap = {};
    const publish = (name: string, contents: Buffer) => {
      const out = `assets/${fingerprint(name, contents)}`;
      files[out] = { contents, mode: '0644' };
      map[name] = withBase(ctx.base, out);
    };
    for (const { full, rel, entry } of walk(ctx.assetsDir)) {
      if (!entry.isFile()) continue;
      if (BUNDLES[rel]) publish(BUNDLES[rel], bundleScript(full));
      else if (rel.startsWith(MODULES)) continue; // part of a bundle, not served on its own
      else if (rel.endsWith('.css')) publish(rel, minifyCss(fs.readFileSync(full)));
      else publish(rel, fs.readFileSync(full));
    }
    if (Object.values(files).some((f) => (f as { hasDiagram?: boolean }).hasDiagram)) publish(MERMAID_ASSET, mermaidSource());
    metalsmith.metadata({ assets: map });
    debug('%d assets', Object.keys(map).length);
  };
}
