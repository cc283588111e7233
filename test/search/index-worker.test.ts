/**
 * The search index built on a worker thread (issue 13: at most 0.5 s added to a 10,000-page build):
 * the input crosses to the worker as flat buffers and comes back as the same pieces the main thread
 * would have built. (Whole builds that write a release take this path: test/fixtures.test.ts
 * compares their pieces with expected/.)
 */
import { describe, expect, it } from 'vitest';
import { buildSearchIndex, planIndex, type IndexPage } from '../../lib/search/build-index.ts';
import { decodeInput, encodeInput } from '../../lib/search/index-input.ts';
import { buildIndexInWorker } from '../../lib/search/index-worker.ts';

const page = (n: number, over: Partial<IndexPage> = {}): IndexPage => ({
  url: `queues/page-${n}/`,
  title: `Backlog on queue ${n}`,
  description: n % 2 ? `The queue ${n} backs up` : undefined,
  crumb: 'Queues',
  severity: n % 3 ? 'critical' : undefined,
  runbook: n % 2 === 0,
  generated: n === 7,
  alerts: n % 2 ? [`nsq.channel.depth.high.${n}`, `QueueBacklogHigh${n}`] : [],
  services: ['nsqd'],
  team: ['platform', 'Platform'],
  sections: [
    { anchor: '', heading: '', text: `Consumers of queue ${n} fall behind.`, other: '' },
    { anchor: 'mitigation', heading: 'Mitigation', text: 'Scale the consumers; roll back a deploy.', other: `kubectl scale deploy/consumer-${n}` },
  ],
  ...over,
});

describe('search index input', () => {
  it('crosses as buffers and reads back as the same pages, whatever the text holds', () => {
    const pages = [
      page(1),
      page(2, { title: 'Überlauf — 溢出 😀 "quoted" \\ back', sections: [{ anchor: 'ü', heading: 'Ü', text: 'naïve 💾 text', other: '' }] }),
      page(3, { alerts: [], services: [], team: [], sections: [] }),
    ];
    const encoded = encodeInput(pages);
    expect(encoded.texts.map((t) => t.utf16)).toEqual([false]);
    expect(decodeInput(encoded)).toEqual(pages.map((p) => ({ ...p, description: p.description || undefined, severity: p.severity || undefined })));
    // A lone surrogate (which UTF-8 cannot carry) is kept too.
    const odd = [page(4, { title: 'half \ud83d of an emoji' })];
    const oddEncoded = encodeInput(odd);
    expect(oddEncoded.texts.map((t) => t.utf16)).toEqual([true]);
    expect(decodeInput(oddEncoded)[0]!.title).toBe('half \ud83d of an emoji');
    // A large site's strings go in several texts (one would pass V8's longest string), each encoded apart.
    const many = [...pages, ...odd, page(5)];
    const split = encodeInput(many, 100);
    expect(split.texts.length).toBeGreaterThan(3);
    expect(split.texts.some((t) => t.utf16) && split.texts.some((t) => !t.utf16)).toBe(true);
    expect(decodeInput(split)).toEqual(decodeInput(encodeInput(many)));
  });
});

describe('search index on a worker', () => {
  it('builds the same pieces as the main thread, with the counts planned from the input', async () => {
    const pages = Array.from({ length: 40 }, (_, i) => page(i));
    const synonyms = [['backlog', 'lag']];
    const plan = planIndex(pages);
    const inline = buildSearchIndex(pages, { synonyms, plan });
    const onWorker = await buildIndexInWorker(encodeInput(pages), synonyms, plan);
    expect([...onWorker.keys()]).toEqual([...inline.pieces.keys()]);
    for (const [name, contents] of inline.pieces) expect(onWorker.get(name)!.toString(), name).toBe(contents.toString());
    expect([...onWorker.keys()].filter((k) => k.startsWith('s'))).toHaveLength(plan.buckets);
    expect([...onWorker.keys()].filter((k) => k.startsWith('k'))).toHaveLength(plan.cardPieces);
    expect([...onWorker.keys()].filter((k) => k.startsWith('c'))).toHaveLength(Math.ceil(40 / plan.pagesPerChunk));
  }, 60_000);
});
