/**
 * Child process for test/search/index-cost.test.ts: builds the search index of N generated pages
 * (six sections of ~60 words each, an alert, a service and an owner, like the benchmark corpus) and
 * prints how much the process's peak memory grew while building it, and what the index holds.
 *
 *   npx tsx test/search/index-cost.ts <pages> [path to build-index.ts]
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IndexPage } from '../../lib/search/build-index.ts';

const n = Number(process.argv[2] ?? 10000);
const modulePath = path.resolve(process.argv[3] ?? path.join(import.meta.dirname, '../../lib/search/build-index.ts'));
const { buildSearchIndex } = (await import(pathToFileURL(modulePath).href)) as typeof import('../../lib/search/build-index.ts');

// A small deterministic generator: the same pages on every run.
let seed = 42;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const vocabulary = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}x`);
const pick = () => vocabulary[Math.floor(rand() ** 2 * vocabulary.length)]!;
const words = (k: number) => Array.from({ length: k }, pick).join(' ');

const pages: IndexPage[] = Array.from({ length: n }, (_, p) => ({
  url: `dir-${Math.floor(p / 100)}/page-${p}/`,
  title: `${pick()} ${pick()} on ${pick()} ${p}`,
  description: words(12),
  crumb: `Section ${Math.floor(p / 100)}`,
  severity: 'high',
  runbook: true,
  generated: false,
  alerts: [`${pick()}.${pick()}.high.${p}`],
  services: [`svc-${p % 200}`],
  team: ['platform', 'Platform'],
  sections: ['', 'Meaning', 'Impact', 'Diagnosis', 'Mitigation', 'Escalation'].map((heading, i) => ({
    anchor: heading.toLowerCase(),
    heading,
    text: words(60),
    other: i === 3 ? `kubectl get pods -l app=svc-${p % 200} ${words(10)}` : '',
  })),
}));

global.gc?.();
const before = process.memoryUsage().rss;
const started = performance.now();
const index = buildSearchIndex(pages, { synonyms: [['oom', 'out of memory']] });
const ms = performance.now() - started;
const peak = process.resourceUsage().maxRSS * 1024;
const alert = pages[n >> 1]!.alerts[0]!.replace(/\./g, '');
const holdsAlert = [...index.pieces.values()].some((text) => text.includes(`"${alert}":[`));
process.stdout.write(`${JSON.stringify({ pages: index.stats.pages, docs: index.stats.docs, pieces: index.pieces.size, holdsAlert, growthMB: Math.round((peak - before) / 2 ** 20), ms: Math.round(ms) })}\n`);
