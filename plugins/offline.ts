/**
 * Offline stage (last, when every file of the release is on its way to disk): the site without its
 * host (issue 16, lib/site/offline.ts, docs/decisions.md "Phone and offline").
 * - `sw.js` at the base path: the service worker (assets/js/sw.js, bundled) with the release's
 *   manifest in front of it: the release's id (a digest of every file, so two builds of the same
 *   input are the same release, byte for byte), the day it was built for the offline badge, and the
 *   URL of every page, asset and search piece relative to the base path. A new release is a worker
 *   of other bytes, so the browser installs it on the next visit.
 * - `runbooks-offline.zip` at the base path, linked from the home and 404 pages: the whole site,
 *   which works unpacked and opened from file:// (every link made relative, with index.html).
 *   yazl writes it, streaming through zlib's native deflate (docs/decisions.md#archive).
 * Both come from one pass over the files: pages the layout stage already handed to the writer are
 * read back from the new release once, each when the archive reaches it.
 * Reads: every file of the release (pages already written are read back). Writes: the files `sw.js`
 * and `runbooks-offline.zip`.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import type Metalsmith from 'metalsmith';
import { bundleScript } from '../lib/site/bundle.ts';
import type { BuildContext } from '../lib/core/context.ts';
import { ARCHIVE, ARCHIVE_ROOT, builtDay, fileUrlRewriter, leftOffline, offlineEnabled, offlineUrls, WORKER, WORKER_SOURCE, type OfflineManifest } from '../lib/site/offline.ts';

export default function offline(ctx: BuildContext): Metalsmith.Plugin {
  return async function offline(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:offline');
    if (!offlineEnabled(ctx)) return;
    await ctx.writer?.flushed();
    const day = builtDay(ctx.now);
    const { ZipFile } = await import('yazl'); // loaded only by a build that makes the archive
    const zip = new ZipFile();
    const entry = { mtime: new Date(`${day}T00:00:00Z`), mode: 0o100644 };
    zip.addBuffer(Buffer.from(`Offline copy of the runbooks, made ${day}.\nOpen index.html in a web browser. Search, links and environment tabs work without a network.\n`), `${ARCHIVE_ROOT}/README.txt`, entry);
    const digest = crypto.createHash('sha256');
    const keys = Object.keys(files).sort();
    // The archive is drained while it is written and each file is read back only when yazl reaches it,
    // so one page at a time is in memory, not the whole site (docs/decisions.md#archive-memory).
    const chunks: Buffer[] = [];
    const drained = new Promise<void>((resolve, reject) => {
      zip.once('error', reject);
      zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk)).once('end', resolve).once('error', reject);
    });
    const rewrite = fileUrlRewriter(ctx.base, day);
    for (const key of keys) {
      const rel = key.split(path.sep).join('/');
      if (leftOffline(rel)) continue;
      const file = files[key]!;
      // yazl calls these one after another in the order added, so the digest sees the files in key order.
      zip.addReadStreamLazy(`${ARCHIVE_ROOT}/${rel}`, entry, (done) => {
        const read = !file.contents.length && ctx.writer ? ctx.writer.readBack(rel).catch(() => file.contents) : Promise.resolve(file.contents);
        read.then((contents) => {
          digest.update(`${rel}\n${contents.length}\n`).update(contents);
          if (rel.endsWith('.html')) contents = Buffer.from(rewrite(contents.toString('utf8'), rel));
          done(null, Readable.from([contents], { objectMode: false }));
        }, (err: unknown) => done(err as Error, undefined as never));
      });
    }
    zip.end();
    await drained;
    const manifest: OfflineManifest = { release: digest.digest('hex').slice(0, 16), built: day, urls: offlineUrls(keys) };
    files[WORKER] = { contents: Buffer.concat([Buffer.from(`self.RS_MANIFEST=${JSON.stringify(manifest)};\n`), bundleScript(path.join(ctx.assetsDir, WORKER_SOURCE))]), mode: '0644' };
    files[ARCHIVE] = { contents: Buffer.concat(chunks), mode: '0644' };
    debug('release %s: %d URLs for the worker, %s of %d bytes', manifest.release, manifest.urls.length, ARCHIVE, files[ARCHIVE].contents.length);
  };
}
