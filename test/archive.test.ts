/**
 * The offline copy's zip writer (lib/site/archive.ts): files deflated on a worker thread come out in
 * the order added, whole, readable by an ordinary unzip library, at the sizes of a large site.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { ZipArchive } from '../lib/site/archive.ts';

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Entries of a zip, in order, with their bytes (only those `wanted`), read with yauzl. */
function readZip(zip: Buffer, wanted: (i: number) => boolean = () => true): Promise<{ name: string; contents: Buffer; date: Date }[]> {
  return new Promise((resolve, reject) => {
    const entries: { name: string; contents: Buffer; date: Date }[] = [];
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, z) => {
      if (err || !z) return reject(err);
      z.on('entry', (entry: yauzl.Entry) => {
        if (!wanted(entries.length)) {
          entries.push({ name: entry.fileName, contents: Buffer.alloc(0), date: entry.getLastModDate() });
          return z.readEntry();
        }
        z.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          collect(stream).then((contents) => {
            entries.push({ name: entry.fileName, contents, date: entry.getLastModDate() });
            z.readEntry();
          }, reject);
        });
      });
      z.on('end', () => resolve(entries));
      z.on('error', reject);
      z.readEntry();
    });
  });
}

/** Contents that compress very differently, so deflating takes very different times. */
function contentsOf(i: number): Buffer {
  if (i % 7 === 0) return Buffer.alloc(200_000 + i, `<a href="/page-${i}/">x</a>`);
  if (i % 5 === 0) return Buffer.alloc(0);
  let seed = i * 2654435761;
  const random = Buffer.alloc(3_000 + (i % 13) * 500);
  for (let k = 0; k < random.length; k++) random[k] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  return random;
}

describe('the offline copy\'s zip writer', () => {
  it('files come out in the order added, byte for byte, with their date, whatever their size', async () => {
    const mtime = new Date('2026-12-02T00:00:00Z');
    const archive = new ZipArchive(yazl.ZipFile, { level: 6, mtime });
    const out = collect(archive.output);
    // One buffer reused for every file, as the build does with its pages: add() must copy it.
    const reused = Buffer.alloc(300_000);
    for (let i = 0; i < 300; i++) {
      const c = contentsOf(i);
      c.copy(reused);
      await archive.add(`runbooks/f${i}.html`, reused.subarray(0, c.length));
    }
    await archive.end();
    const entries = await readZip(await out);
    expect(entries.map((e) => e.name)).toEqual(Array.from({ length: 300 }, (_, i) => `runbooks/f${i}.html`));
    for (let i = 0; i < 300; i++) expect(entries[i]!.contents.equals(contentsOf(i)), `f${i}`).toBe(true);
    // Zip dates are local DOS times; yauzl reads them back as local time.
    expect(entries[0]!.date.getFullYear()).toBe(2026);
  }, 60_000);

  it('given up before its end (the build failed): the output fails, so whatever writes it to disk stops waiting', async () => {
    const archive = new ZipArchive(yazl.ZipFile, { level: 6, mtime: new Date('2026-12-02T00:00:00Z') });
    const out = collect(archive.output);
    await archive.add('runbooks/a.html', Buffer.from('<p>a</p>'));
    await archive.close();
    await expect(out).rejects.toThrow(/not finished/);
  });

  it('a yazl without the install-time patch (an old checkout): a message saying to run npm install, not a hang', () => {
    class Unpatched {
      outputStream = new PassThrough();
    }
    expect(() => new ZipArchive(Unpatched as unknown as typeof yazl.ZipFile, { level: 6, mtime: new Date() })).toThrow(/not patched .*run `npm install`/);
  });

  it('more than 65,535 files (a 100,000-page site has ~250,000): the archive switches to ZIP64 and still opens', async () => {
    const archive = new ZipArchive(yazl.ZipFile, { level: 1, mtime: new Date('2026-12-02T00:00:00Z') });
    const out = collect(archive.output);
    const n = 70_000;
    for (let i = 0; i < n; i++) await archive.add(`runbooks/${i}.txt`, Buffer.from(String(i)));
    await archive.end();
    const entries = await readZip(await out, (i) => i === n - 1);
    expect(entries.length).toBe(n);
    expect([entries[0]!.name, entries[n - 1]!.name, entries[n - 1]!.contents.toString()]).toEqual(['runbooks/0.txt', `runbooks/${n - 1}.txt`, String(n - 1)]);
  }, 300_000);
});
