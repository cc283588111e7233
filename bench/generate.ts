/**
 * Benchmark workload generator (issue "Fast at any size").
 *
 *   npx tsx bench/generate.ts <dir> <n>
 *
 * Writes a corpus that both our build and Hugo (bench/hugo/) can build:
 *
 *   <dir>/site.yml           every generated folder is a runbook section, so the runbook checks run
 *   <dir>/layouts/, assets/  copies of the project's, so the real layout is used
 *   <dir>/partials/          empty
 *   <dir>/src/               the Markdown: index.md + dir-0001/ ... dir-NNNN/ (max(10, N/100) folders),
 *                            each with index.md (title, description, `order:` list) and its pages
 *   <dir>/hugo-content/      the SAME files as src/ (hard links, same inodes), with each folder's
 *                            index.md linked as _index.md: Hugo treats `index.md` as a leaf bundle
 *                            (and the folder's other pages as its resources), `_index.md` as a section.
 *
 * Every page is ~3 KB: front matter (title, owner, severity, order, services, alerts (unique in the
 * corpus; dotted, underscored, CamelCase and kebab-case names in turn), last_reviewed), an h1 equal
 * to the title, five h2 sections with paragraphs, a bullet list,
 * a numbered list, a GFM table, a ```shell block with a Go template in it, and a relative link to an
 * existing page in the next folder. Output is deterministic: the same N gives the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Bump when the output format changes; bench.ts regenerates cached corpora whose stamp differs. */
export const GENERATOR_VERSION = 2;

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OWNERS = ['platform', 'data-pipeline', 'developer-experience'] as const;
const SEVERITIES = ['warning', 'critical'] as const;

const WORDS = (
  'queue channel worker consumer producer backlog depth disk memory latency error rate deploy rollback task ' +
  'service cluster node host region account role bastion terraform state lock drift plan apply module alert ' +
  'monitor threshold dashboard metric log trace request response timeout retry backoff requeue discard topic ' +
  'message partner archive warehouse pipeline batch job schedule cron image build registry container volume ' +
  'mount network subnet gateway balancer listener target health check probe restart scale capacity limit ' +
  'quota budget owner oncall pager escalation incident customer impact delay loss recovery snapshot backup ' +
  'restore replica primary failover database index query connection pool cache eviction certificate secret ' +
  'rotation token permission policy audit review change window freeze release version tag branch commit'
).split(' ');
const VERBS = 'check restart drain scale inspect compare confirm verify pause resume rotate purge reindex replay tail'.split(' ');
const TITLE_NOUNS = 'backlog latency errors saturation lag drift failure outage timeouts evictions restarts throttling'.split(' ');

/**
 * An alert name in one of the styles monitoring systems use, in turn: dotted (StatsD, Datadog),
 * underscored (Prometheus metrics), CamelCase (Prometheus alert names), kebab-case.
 */
function alertName(parts: readonly string[], serial: number): string {
  switch (serial % 4) {
    case 0:
      return parts.join('.');
    case 1:
      return parts.join('_');
    case 2:
      return parts.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
    default:
      return parts.join('-');
  }
}

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w = 4) => String(n).padStart(w, '0');
const dirName = (d: number) => `dir-${pad(d + 1)}`;
const pageName = (p: number) => `page-${pad(p + 1)}`;

/** How many pages folder d (0-based) of D holds, out of N: contiguous, near-equal blocks. */
function folderSizes(n: number, folders: number): number[] {
  const sizes: number[] = [];
  for (let d = 0; d < folders; d++) sizes.push(Math.floor((n * (d + 1)) / folders) - Math.floor((n * d) / folders));
  return sizes;
}

export function folderCount(n: number): number {
  return Math.max(10, Math.ceil(n / 100));
}

export interface GenerateResult {
  pages: number;
  folders: number;
  bytes: number;
}

/**
 * Writes the corpus for n pages into dir (which is emptied first), in `folders` folders (by default
 * about 100 pages a folder; 1 puts every page in one folder, the case a flat tree of alert runbooks
 * makes).
 */
export function generate(dir: string, n: number, folders = folderCount(n)): GenerateResult {
  if (!Number.isInteger(n) || n < 1) throw new Error(`generate: n must be a positive integer, got ${n}`);
  const root = path.resolve(dir);
  fs.rmSync(root, { recursive: true, force: true });
  const src = path.join(root, 'src');
  const hugo = path.join(root, 'hugo-content');
  fs.mkdirSync(src, { recursive: true });
  fs.mkdirSync(hugo, { recursive: true });
  fs.mkdirSync(path.join(root, 'partials'), { recursive: true });
  fs.cpSync(path.join(PROJECT_ROOT, 'layouts'), path.join(root, 'layouts'), { recursive: true });
  fs.cpSync(path.join(PROJECT_ROOT, 'assets'), path.join(root, 'assets'), { recursive: true });

  if (!Number.isInteger(folders) || folders < 1 || folders > n) throw new Error(`generate: folders must be from 1 to ${n}, got ${folders}`);
  const sizes = folderSizes(n, folders);
  const random = rng(0x5eed ^ n);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const words = (k: number) => Array.from({ length: k }, () => pick(WORDS)).join(' ');
  const sentence = () => {
    const s = words(int(8, 16));
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  };
  const paragraph = (k: number) => Array.from({ length: k }, sentence).join(' ');
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

  let bytes = 0;
  const write = (rel: string, text: string, hugoRel = rel) => {
    const file = path.join(src, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    const link = path.join(hugo, hugoRel);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.linkSync(file, link);
    bytes += Buffer.byteLength(text);
  };

  // Site configuration for the corpus root: every folder is a runbook section.
  const dirs = sizes.map((_, d) => dirName(d));
  fs.writeFileSync(
    path.join(root, 'site.yml'),
    [
      '# Generated by bench/generate.ts: the benchmark corpus.',
      'title: Benchmark Runbooks',
      `description: ${n} generated runbooks in ${folders} sections.`,
      'review_every_days: 90',
      `runbook_sections: [${dirs.join(', ')}]`,
      'teams:',
      '  - id: platform',
      '    name: Platform',
      '    slack: "#platform"',
      '  - id: data-pipeline',
      '    name: Data Pipeline',
      '    slack: "#data-pipeline"',
      '  - id: developer-experience',
      '    name: Developer Experience',
      '    slack: "#dev-experience"',
      '',
    ].join('\n'),
  );

  // Home page.
  write(
    'index.md',
    [
      '---',
      'title: Benchmark Runbooks',
      `description: ${n} generated runbooks for the build benchmark.`,
      'order:',
      ...dirs.slice(0, 3).map((d) => `  - ${d}`),
      '---',
      '',
      paragraph(3),
      '',
    ].join('\n'),
    '_index.md',
  );

  let serial = 0;
  for (let d = 0; d < folders; d++) {
    const dname = dirName(d);
    const count = sizes[d]!;
    const nextDir = (d + 1) % folders;
    const ordered = [...new Set(Array.from({ length: Math.min(4, count) }, () => pageName(int(0, count - 1))))];
    write(
      `${dname}/index.md`,
      [
        '---',
        `title: Section ${d + 1} ${cap(pick(WORDS))} ${pick(WORDS)}`,
        `description: ${sentence()}`,
        ...(ordered.length ? ['order:', ...ordered.map((p) => `  - ${p}`)] : []),
        '---',
        '',
        paragraph(2),
        '',
      ].join('\n'),
      `${dname}/_index.md`,
    );

    for (let p = 0; p < count; p++) {
      serial++;
      const title = `${cap(pick(WORDS))} ${pick(TITLE_NOUNS)} on ${pick(WORDS)} ${serial}`;
      const svc = `svc-${int(1, 200)}`;
      const alert = alertName([pick(WORDS), pick(WORDS), 'high', String(serial)], serial);
      const target = `../${dirName(nextDir)}/${pageName(int(0, sizes[nextDir]! - 1))}.md`;
      const body = [
        '---',
        `title: ${title}`,
        `owner: ${pick(OWNERS)}`,
        `severity: ${pick(SEVERITIES)}`,
        `order: ${int(1, 50)}`,
        `services: [${svc}]`,
        `alerts: [${alert}]`,
        'last_reviewed: 2026-11-01',
        '---',
        '',
        `# ${title}`,
        '',
        '## Meaning',
        '',
        `\`${alert}\` fires when ${words(6)}. ${paragraph(2)}`,
        '',
        paragraph(3),
        '',
        '## Impact',
        '',
        paragraph(3),
        '',
        ...Array.from({ length: 4 }, () => `- ${cap(words(int(5, 10)))}.`),
        '',
        '## Diagnosis',
        '',
        paragraph(2),
        '',
        ...Array.from({ length: 4 }, (_, i) => `${i + 1}. ${cap(pick(VERBS))} the ${words(int(4, 9))}.`),
        '',
        '| Signal | Where | Normal |',
        '| --- | --- | --- |',
        ...Array.from({ length: 3 }, () => `| ${pick(WORDS)} ${pick(WORDS)} | ${pick(WORDS)} dashboard | below ${int(10, 999)} |`),
        '',
        '```shell',
        `docker inspect --format '{{range .Mounts}}{{.Source}}{{end}}' ${svc}`,
        `kubectl get pods -l app=${svc} -o go-template='{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'`,
        '```',
        '',
        '## Mitigation',
        '',
        paragraph(3),
        '',
        `If this is not the cause, continue with [the next runbook](${target}).`,
        '',
        '## Escalation',
        '',
        paragraph(3),
        '',
      ].join('\n');
      write(`${dname}/${pageName(p)}.md`, body);
    }
  }
  return { pages: n, folders, bytes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [dir, count] = process.argv.slice(2);
  const n = Number(count);
  if (!dir || !Number.isInteger(n) || n < 1) {
    console.error('Usage: npx tsx bench/generate.ts <dir> <n>');
    process.exit(2);
  }
  const started = performance.now();
  const r = generate(dir, n);
  console.log(`Generated ${r.pages} pages in ${r.folders} folders (${(r.bytes / 1e6).toFixed(1)} MB of Markdown) in ${((performance.now() - started) / 1000).toFixed(1)} s -> ${dir}`);
}
