/**
 * The search index, in pieces the browser loads only as a query needs them (format v2). Pure: pages
 * in, named piece contents out; plugins/search.ts collects the pages and writes the pieces.
 *
 * This format and not MiniSearch's or Pagefind's, because a first query on a phone loads the least
 * with it (docs/decisions.md#search-engine).
 *
 * - Each page is a run of "docs": doc 0 is the page itself (title, description, alerts, services,
 *   owner team, severity, the text before the first h2), doc n its n-th h2 section (heading and
 *   text, plus the page title at a low weight so "backlog impact" finds that section).
 * - Every (term, doc) pair gets one integer score at build time: field weights (WEIGHTS), a BM25
 *   saturation of body text, the term's rarity (idf), and a low factor on what generated listing
 *   pages (Services, Teams, Alerts) list, so they never outrank the runbooks they list. The browser
 *   only adds.
 * - Terms are spread over `buckets` pieces by their first two characters (tokenize.ts bucketOf): a
 *   word's bucket holds every term that starts like it, so prefixes ("backl") and one-typo variants
 *   past the second letter are found in the same piece. A term's postings keep its MAX_POSTINGS
 *   best docs.
 * - What a result shows (URL, title, breadcrumb, severity, each section's heading and prose for the
 *   snippet) is in "chunk" pieces of `pagesPerChunk` consecutive pages: a query loads only the
 *   chunks of the pages it shows.
 * - Every piece is a script, `rsSearch("<name>", <JSON>)`, so an offline copy opened from file://
 *   (where fetch() of JSON is refused) loads it with <script src>.
 */
import { bucketOf, indexTerms, queryWords, titleKey, wordParts } from './tokenize.ts';

export interface IndexSection {
  /** The h2's id; '' for the page itself. */
  anchor: string;
  heading: string;
  /** Prose: paragraphs, list items, headings below h2. Snippets come only from here. */
  text: string;
  /** Tables and code blocks: found, never shown as a snippet. */
  other: string;
}

export interface IndexPage {
  /** Site-relative URL without the leading slash ('' for the home page, 'queues/backlog/'). */
  url: string;
  title: string;
  description?: string;
  /** Titles of the sections above the page, joined with " › ". */
  crumb: string;
  severity?: string;
  runbook: boolean;
  /** A listing the build generates (Services, Teams, Alerts, a folder without index.md). */
  generated: boolean;
  alerts: readonly string[];
  services: readonly string[];
  /** The owner team's id and name. */
  team: readonly string[];
  sections: readonly IndexSection[];
}

export interface SearchOptions {
  /** Equivalence classes: `oom: [out of memory, memory]` -> ['oom', 'out of memory', 'memory']. */
  synonyms?: readonly (readonly string[])[];
}

/** Field weights, each per doc; see the file comment. Body fields saturate with term frequency. */
export const WEIGHTS = {
  exactTitle: 100, // the query is the page's title, word for word (tokenize.ts titleKey); never lowered
  alert: 60, // the whole alert name, joined
  alertPart: 5,
  title: 10,
  pageTitle: 1.5, // the page's title on each of its sections
  crumb: 1.5, // the titles of the sections above the page
  heading: 6,
  service: 6,
  team: 3,
  description: 3,
  severity: 1,
  text: 1,
  other: 0.3,
  synonym: 0.6, // factor on the field a synonym was found in
  generated: 0.1, // factor on a generated listing page's headings and tables (what it lists)
  generatedProse: 0.5, // factor on its title, description and prose (what it is)
  runbook: 1.5, // factor on every score of a runbook: on-call searches for what to do
} as const;

/** Postings kept per term (its best-scoring docs): bounds a common word's size at any site size. */
export const MAX_POSTINGS = 1500;
/** Sections a page can have in the index (a doc number is page * 64 + section). */
export const MAX_SECTIONS = 64;
const SNIPPET_CHARS = 1500;
const BUCKET_BYTES = 12_000;
const CHUNK_BYTES = 12_000;

export interface SearchPieces {
  /** Piece name ("s3", "c12") -> its script text. */
  pieces: Map<string, string>;
  buckets: number;
  pagesPerChunk: number;
  stats: { pages: number; docs: number; terms: number };
}

type Field = keyof typeof WEIGHTS;
const SATURATES: ReadonlySet<Field> = new Set<Field>(['text', 'other', 'description']);
/** What a generated page says about itself, as opposed to what it lists. */
const PROSE: ReadonlySet<Field> = new Set<Field>(['title', 'exactTitle', 'description', 'text', 'crumb']);
const K1 = 1.2;
const B = 0.75;

/** Adjacent words joined, for short fields: "Roll back a deploy" is also found as "rollback". */
function withPairs(text: string): string[] {
  const words = indexTerms(text);
  const out = [...words];
  for (let i = 0; i + 1 < words.length; i++) out.push(words[i]! + words[i + 1]!);
  return out;
}

/** The terms of an identifier list (alerts, services): [whole joined names, parts and partial joins]. */
function identifierTerms(names: readonly string[]): { whole: string[]; parts: string[] } {
  const whole: string[] = [];
  const parts: string[] = [];
  for (const name of names) {
    for (const w of queryWords(name)) {
      if (w.joined) whole.push(w.joined);
    }
    indexTerms(name, parts);
    if (!name.match(/[._-]|[a-z][A-Z]/)) whole.push(...wordParts(name));
  }
  return { whole, parts };
}

interface Doc {
  id: number;
  generated: boolean;
  runbook: boolean;
  /** field -> term -> count */
  fields: Map<Field, Map<string, number>>;
  /** Terms a synonym brought into a field (scored at WEIGHTS.synonym of that field). */
  synonyms: Map<Field, Set<string>>;
  length: number;
}

function countInto(fields: Doc['fields'], field: Field, terms: readonly string[]): void {
  if (!terms.length) return;
  let m = fields.get(field);
  if (!m) fields.set(field, (m = new Map()));
  for (const t of terms) m.set(t, (m.get(t) ?? 0) + 1);
}

/** Synonym classes as term sets: a class applies to a field holding every term of one member. */
function synonymClasses(classes: readonly (readonly string[])[]): { members: string[][]; inject: string[] }[] {
  return classes.map((members) => {
    const sets = members.map((m) => indexTerms(m)).filter((t) => t.length);
    const inject = new Set<string>();
    for (const s of sets) {
      for (const t of s) inject.add(t);
      if (s.length > 1) inject.add(s.join(''));
    }
    for (const m of members) for (const w of queryWords(m)) if (w.joined) inject.add(w.joined);
    return { members: sets, inject: [...inject] };
  });
}

export function buildSearchIndex(input: readonly IndexPage[], options: SearchOptions = {}): SearchPieces {
  const pages = [...input].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  const classes = synonymClasses(options.synonyms ?? []);
  const docs: Doc[] = [];
  let textLength = 0;
  let textDocs = 0;

  pages.forEach((page, p) => {
    const sections = page.sections.slice(0, MAX_SECTIONS);
    sections.forEach((s, n) => {
      const fields: Doc['fields'] = new Map();
      const text = indexTerms(s.text);
      countInto(fields, 'text', text);
      if (n === 0 && page.description) countInto(fields, 'description', indexTerms(page.description));
      countInto(fields, 'other', indexTerms(s.other));
      if (n === 0) {
        countInto(fields, 'title', withPairs(page.title));
        countInto(fields, 'exactTitle', [titleKey(page.title)]);
        countInto(fields, 'crumb', indexTerms(page.crumb));
        const alerts = identifierTerms(page.alerts);
        countInto(fields, 'alert', alerts.whole);
        countInto(fields, 'alertPart', alerts.parts);
        const services = identifierTerms(page.services);
        countInto(fields, 'service', [...services.whole, ...services.parts]);
        countInto(fields, 'team', page.team.flatMap((t) => withPairs(t)));
        if (page.severity) countInto(fields, 'severity', [page.severity]);
      } else {
        countInto(fields, 'heading', withPairs(s.heading));
        countInto(fields, 'pageTitle', indexTerms(page.title));
      }
      const synonyms: Doc['synonyms'] = new Map();
      for (const c of classes) {
        for (const [field, counts] of fields) {
          if (!c.members.some((m) => m.every((t) => counts.has(t)))) continue;
          let syn = synonyms.get(field);
          if (!syn) synonyms.set(field, (syn = new Set()));
          for (const t of c.inject) if (!counts.has(t)) syn.add(t);
        }
      }
      const length = text.length;
      textLength += length;
      textDocs++;
      docs.push({ id: p * MAX_SECTIONS + n, generated: page.generated, runbook: page.runbook, fields, synonyms, length });
    });
  });

  // Score every (term, doc): sum over fields, then rarity.
  const avgLength = textDocs ? textLength / textDocs : 1;
  const postings = new Map<string, number[]>(); // term -> [doc, rawScore*1000, ...]
  for (const doc of docs) {
    const scores = new Map<string, number>();
    const add = (term: string, s: number) => scores.set(term, (scores.get(term) ?? 0) + s);
    const listing = (field: Field) => (!doc.generated ? 1 : PROSE.has(field) ? WEIGHTS.generatedProse : WEIGHTS.generated);
    for (const [field, counts] of doc.fields) {
      const w = WEIGHTS[field] * listing(field);
      const norm = field === 'text' || field === 'other' ? K1 * (1 - B + (B * doc.length) / avgLength) : K1;
      for (const [term, tf] of counts) add(term, SATURATES.has(field) ? (w * tf * (K1 + 1)) / (tf + norm) : w);
    }
    for (const [field, terms] of doc.synonyms) for (const term of terms) add(term, WEIGHTS[field] * WEIGHTS.synonym * listing(field));
    const factor = doc.runbook ? WEIGHTS.runbook : 1;
    for (const [term, s] of scores) {
      if (term.startsWith('=')) {
        // A title typed in full finds its page, generated or not.
        let list = postings.get(term);
        if (!list) postings.set(term, (list = []));
        list.push(doc.id, s);
        continue;
      }
      let list = postings.get(term);
      if (!list) postings.set(term, (list = []));
      list.push(doc.id, s * factor);
    }
  }

  // Terms into buckets: "term":[doc, score, doc delta, score, ...] with the best MAX_POSTINGS docs.
  const n = docs.length;
  const entries: [term: string, json: string][] = [];
  let totalBytes = 0;
  for (const [term, list] of postings) {
    const df = list.length / 2;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    // A common term keeps its MAX_POSTINGS best docs: the score they must reach, from a typed-array
    // sort (sorting [doc, score] pairs allocated millions of small arrays at 10,000 pages).
    let floor = -Infinity;
    if (df > MAX_POSTINGS) {
      const scores = new Float64Array(df);
      for (let i = 0; i < df; i++) scores[i] = list[2 * i + 1]!;
      scores.sort();
      floor = scores[df - MAX_POSTINGS]!;
    }
    const flat: number[] = [];
    let last = 0;
    for (let i = 0; i < list.length; i += 2) {
      if (list[i + 1]! < floor) continue;
      const d = list[i]!;
      flat.push(d - last, Math.max(1, Math.round(list[i + 1]! * idf * 10)));
      last = d;
    }
    const json = `${JSON.stringify(term)}:[${flat.join(',')}]`;
    entries.push([term, json]);
    totalBytes += json.length + 1;
  }
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const buckets = Math.max(1, Math.min(1024, Math.ceil(totalBytes / BUCKET_BYTES)));
  const inBucket: string[][] = Array.from({ length: buckets }, () => []);
  for (const [term, json] of entries) inBucket[bucketOf(term, buckets)]!.push(json);

  const pieces = new Map<string, string>();
  inBucket.forEach((list, b) => pieces.set(`s${b}`, piece(`s${b}`, `{${list.join(',')}}`)));

  // Chunks: what a result shows.
  const records = pages.map((page) =>
    JSON.stringify([
      page.url,
      page.title,
      page.crumb,
      page.severity ?? '',
      page.generated ? 1 : 0,
      page.sections.slice(0, MAX_SECTIONS).map((s, i) => [s.anchor, i === 0 ? '' : s.heading, snippetText(i === 0 ? [page.description ?? '', s.text].filter(Boolean).join(' ') : s.text)]),
    ]),
  );
  const avgRecord = records.length ? records.reduce((sum, r) => sum + r.length, 0) / records.length : 1;
  const pagesPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / avgRecord));
  for (let c = 0; c * pagesPerChunk < records.length; c++) {
    pieces.set(`c${c}`, piece(`c${c}`, `[${records.slice(c * pagesPerChunk, (c + 1) * pagesPerChunk).join(',')}]`));
  }
  return { pieces, buckets, pagesPerChunk, stats: { pages: pages.length, docs: n, terms: entries.length } };
}

function piece(name: string, json: string): string {
  return `rsSearch(${JSON.stringify(name)},${json});\n`;
}

/** Prose kept for a snippet: whole words up to SNIPPET_CHARS. */
function snippetText(text: string): string {
  if (text.length <= SNIPPET_CHARS) return text;
  const cut = text.lastIndexOf(' ', SNIPPET_CHARS);
  return text.slice(0, cut > 0 ? cut : SNIPPET_CHARS);
}
