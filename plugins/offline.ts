/**
 * Offline stage (last, when every file of the release is on its way to disk): the site without its
 * host (issue 16, lib/site/offline.ts, docs/decisions.md "Phone and offline").
 * - `sw.js` at the base path: the service worker (assets/js/sw.js, bundled) with the release's
 *   manifest in front of it: the release's id (a digest of every file, so two builds of the same
 *   input are the same release, byte for byte), the day it was built for the offline badge, and the
 *   URL of every page, asset and search piece relative to the base path. A new release is a worker
 *   of other bytes, so the browser installs it on the next visit.
 * - `runbooks-offline.zip` at the base path, linked from the home and 404 pages: the whole site,
 *   which works unpacked and opened from file:// (every link made relative, with index.html:
 *   lib/site/file-urls.ts), deflated several files at once and streamed to disk
 *   (lib/site/archive.ts, docs/decisions.md#archive-cost).
 * Both come from one pass over the files in name order: pages the layout stage already handed to
 * the writer are read back from the new release, each once it is on disk (the archive is made while
 * the last pages are still being written), a few ahead of the archive.
 * Reads: every file of the release (pages already written are read back). Writes: the files `sw.js`
 * and `runbooks-offline.zip`.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import { bundleScript } from '../lib/site/bundle.ts';
import type { BuildContext } from '../lib/core/context.ts';
import { ZipArchive } from '../lib/site/archive.ts';
import { fileUrlRewriter } from '../lib/site/file-urls.ts';
import { ARCHIVE, ARCHIVE_ROOT, builtDay, leftOffline, offlineEnabled, offlineUrls, WORKER, WORKER_SOURCE, type OfflineManifest } from '../lib/site/offline.ts';

/** zlib's level, and how many files are read ahead of the archive, each into a buffer of its own (docs/decisions.md#archive-cost). */
const LEVEL = 6;
const READ_AHEAD = 32;
const READ_BUFFER = 128 * 1024;

export default function offline(ctx: BuildContext): Metalsmith.Plugin {
  return async function offline(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:offline');
    if (!offlineEnabled(ctx)) return;
    const day = builtDay(ctx.now);
    const { ZipFile } = await import('yazl'); // loaded only by a build that makes the archive
    const zip = new ZipArchive(ZipFile, { level: LEVEL, mtime: new Date(`${day}T00:00:00Z`) });
    // Streamed into the release as it is made; a build without a writer (a check, a test) keeps it in memory.
    const inMemory = ctx.writer ? undefined : collect(zip.output);
    ctx.writer?.writeStream(ARCHIVE, zip.output);
    const digest = crypto.createHash('sha256');
    const keys = Object.keys(files).sort();
    const included = keys.map((key) => ({ key, rel: key.split(path.sep).join('/') })).filter(({ rel }) => !leftOffline(rel));
    // A page written already is read back into the buffer of its slot, which it reuses once the page is in the archive.
    const slots = Array.from({ length: READ_AHEAD }, () => Buffer.allocUnsafe(READ_BUFFER));
    const read = ({ key, rel }: { key: string; rel: string }, slot: Buffer): Promise<Buffer> =>
      ctx.writer?.handedOver(rel) ? ctx.writer.readBackInto(rel, slot) : Promise.resolve(files[key]!.contents);
    const rewrite = fileUrlRewriter(ctx.base, day);
    const reads: (Promise<Buffer> | undefined)[] = [];
    try {
      await zip.add(`${ARCHIVE_ROOT}/README.txt`, Buffer.from(`Offline copy of the runbooks, made ${day}.\nOpen index.html in a web browser. Search, links and environment tabs work without a network.\n`));
      for (let i = 0; i < included.length; i++) {
        while (reads.length < Math.min(included.length, i + READ_AHEAD)) reads.push(read(included[reads.length]!, slots[reads.length % READ_AHEAD]!));
        const { rel } = included[i]!;
        let contents = await reads[i]!;
        reads[i] = undefined;
        digest.update(`${rel}\n${contents.length}\n`).update(contents);
        if (rel.endsWith('.html')) contents = rewrite(contents, rel);
        await zip.add(`${ARCHIVE_ROOT}/${rel}`, contents);
      }
      await zip.end();
    } finally {
      await zip.close();
    }
    const manifest: OfflineManifest = { release: digest.digest('hex').slice(0, 16), built: day, urls: offlineUrls(keys) };
    files[WORKER] = { contents: Buffer.concat([Buffer.from(`self.RS_MANIFEST=${JSON.stringify(manifest)};\n`), bundleScript(path.join(ctx.assetsDir, WORKER_SOURCE))]), mode: '0644' };
    // When streamed to the release, the file is only named here (the writer's finish waits for it).
    files[ARCHIVE] = { contents: inMemory ? Buffer.concat(await inMemory) : Buffer.alloc(0), mode: '0644' };
    debug('release %s: %d URLs for the worker, %s', manifest.release, manifest.urls.length, ARCHIVE);
  };
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks;
}
