/**
 * Assets: copies the files under assets/ into the site as `/assets/<name>.<hash>.<ext>`, the hash
 * taken from the content, so a server can cache them forever (`immutable`) and a new release
 * never serves a page with another release's CSS. Layouts get `assets['site.css']` -> URL.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/context.ts';
import { walk } from '../lib/walk.ts';

export type AssetMap = Record<string, string>;

export function fingerprint(name: string, contents: Buffer): string {
  const hash = crypto.createHash('sha256').update(contents).digest('hex').slice(0, 10);
  const ext = path.posix.extname(name);
  return `${name.slice(0, name.length - ext.length)}.${hash}${ext}`;
}

export default function assets(ctx: BuildContext): Metalsmith.Plugin {
  return function assets(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:assets');
    const map: AssetMap = {};
    for (const { full, rel, entry } of walk(ctx.assetsDir)) {
      if (!entry.isFile()) continue;
      const contents = fs.readFileSync(full);
      const out = `assets/${fingerprint(rel, contents)}`;
      files[out] = { contents, mode: '0644' };
      map[rel] = `/${out}`;
    }
    metalsmith.metadata({ assets: map });
    debug('%d assets', Object.keys(map).length);
  };
}
