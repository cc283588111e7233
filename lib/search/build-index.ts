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
 * - Terms are spread over `buckets` pieces by their first two characters (a title key by the two
 *   after its `=`, tokenize.ts bucketOf; how many: planIndex): a
 *   word's bucket holds every term that starts like it, so prefixes ("backl") and one-typo variants
 *   past the second letter are found in the same piece. A term's postings keep its MAX_POSTINGS
 *   best docs. A typo in the first two letters is found through "~" keys: each word of letters
 *   without its first, and without its second letter (`~olback`, `~rllback` -> rollback), stored in
 *   the key's bucket.
 * - What a result shows (URL, title, breadcrumb, severity, each section's heading and prose for the
 *   snippet) is in "chunk" pieces of `pagesPerChunk` consecutive pages: a query loads only the
 *   chunks of the pages it shows.
 * - A page's "card" (the above but the prose) is also in a "k" piece chosen by a hash of each whole
 *   term that names it exactly (its title key, each alert's whole name; cardPieceOf), which the browser loads
 *   beside the buckets: the query an on-call reader types most, an alert's name, shows its first
 *   result in one round trip, before the chunk with the snippet (docs/decisions.md#search-first-result).
 * - Every piece is a script, `rsSearch("<name>", <JSON>)`, so an offline copy opened from file://
 *   (where fetch() of JSON is refused) loads it with <script src>.
 */
import { bucketOf, cardPieceOf, indexTerms, queryWords, rawWords, titleKey, wordParts } from './tokenize.ts';

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
  /** The pieces' counts and sizes, planIndex(input) when not given. */
  plan?: IndexPlan;
}

/**
 * How many pieces of each kind, fixed from the input before the index is built, so the pages can
 * name the index (`search.config`) while a worker builds it (docs/decisions.md#search-worker).
 */
export interface IndexPlan {
  buckets: number;
  pagesPerChunk: number;
  cardPieces: number;
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

/** The format's name, first in `search.config`; the browser refuses another (assets/js/search-engine.js). */
export const FORMAT = 'v2';

/** Postings kept per term (its best-scoring docs): bounds a common word's size at any site size. */
export const MAX_POSTINGS = 1500;
/** Sections a page can have in the index (a doc number is page * 64 + section). */
export const MAX_SECTIONS = 64;
/** Words given head-typo keys (plain letters, this long), and words kept per key. */
const HEAD_TYPO = { min: 4, max: 20, perKey: 6 } as const;
const SNIPPET_CHARS = 1500;
const BUCKET_BYTES = 12_000;
const CHUNK_BYTES = 12_000;
const CARD_BYTES = 4_000;
/** Index bytes per character of searchable text: 0.70 measured on the 1,000-page corpus (1.95 on this small site, whose buckets are then fewer and larger). */
const INDEX_BYTES_PER_CHAR = 0.7;

export interface SearchPieces {
  /** Piece name ("s3", "c12") -> its script, UTF-8. */
  pieces: Map<string, Buffer>;
  buckets: number;
  pagesPerChunk: number;
  cardPieces: number;
  /** bytes: the buckets' terms and keys, in UTF-16 units (what planIndex estimates). */
  stats: { pages: number; docs: number; terms: number; bytes: number };
}

type Field = keyof typeof WEIGHTS;
/** Fields by number (a doc's field runs store the number). */
const FIELDS: readonly Field[] = Object.keys(WEIGHTS) as Field[];
const FIELD: Readonly<Record<Field, number>> = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as Record<Field, number>;
const SATURATES: ReadonlySet<Field> = new Set<Field>(['text', 'other', 'description']);
/** What a generated page says about itself, as opposed to what it lists. */
const PROSE: ReadonlySet<Field> = new Set<Field>(['title', 'exactTitle', 'description', 'text', 'crumb']);
const K1 = 1.2;
const B = 0.75;
/** Texts up to this length (titles, headings, crumbs, team names) are tokenized once per build. */
const SHORT_TEXT = 200;

/** An append-only typed array: millions of postings without millions of small JS arrays. */
class Column<T extends Int32Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}
const ints = (n: number) => new Int32Array(n);

/**
 * Terms as integer ids, each distinct word and each short text tokenized once (the same page title,
 * heading, crumb and word recur thousands of times at 10,000 pages).
 */
class Vocabulary {
  readonly terms: string[] = [];
  private readonly ids = new Map<string, number>();
  private readonly words = new Map<string, number[]>();
  private readonly texts = new Map<string, number[]>();
  private readonly paired = new Map<string, number[]>();
  /** A long text's ids, reused: valid until the next call (long texts are counted at once, never kept). */
  private readonly scratch: number[] = [];

  id(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.terms.push(term);
      this.ids.set(term, id);
    }
    return id;
  }

  /** indexTerms(text) as ids: the terms of each raw word, from a cache of words. Read-only. */
  text(text: string): readonly number[] {
    if (!text) return [];
    const short = text.length <= SHORT_TEXT;
    const cached = short ? this.texts.get(text) : undefined;
    if (cached) return cached;
    const out: number[] = short ? [] : this.scratch;
    out.length = 0;
    for (const raw of rawWords(text)) {
      let ids = this.words.get(raw);
      if (!ids) this.words.set(raw, (ids = indexTerms(raw).map((t) => this.id(t))));
      for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
    }
    if (short) this.texts.set(text, out);
    return out;
  }

  /** Adjacent words joined, for short fields: "Roll back a deploy" is also found as "rollback". */
  withPairs(text: string): number[] {
    const cached = this.paired.get(text);
    if (cached) return cached;
    const words = this.text(text);
    const out = [...words];
    for (let i = 0; i + 1 < words.length; i++) out.push(this.id(this.terms[words[i]!]! + this.terms[words[i + 1]!]!));
    if (text.length <= SHORT_TEXT) this.paired.set(text, out);
    return out;
  }

  all(terms: readonly string[]): number[] {
    return terms.map((t) => this.id(t));
  }
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

/** Synonym classes as term ids: a class applies to a field holding every term of one member. */
function synonymClasses(classes: readonly (readonly string[])[], vocab: Vocabulary): { members: number[][]; inject: number[] }[] {
  return classes.map((members) => {
    const sets = members.map((m) => indexTerms(m)).filter((t) => t.length);
    const inject = new Set<string>();
    for (const s of sets) {
      for (const t of s) inject.add(t);
      if (s.length > 1) inject.add(s.join(''));
    }
    for (const m of members) for (const w of queryWords(m)) if (w.joined) inject.add(w.joined);
    return { members: sets.map((s) => vocab.all(s)), inject: vocab.all([...inject]) };
  });
}

/**
 * Every doc's term counts per field, flat: doc d's field runs are runs [docRuns[d], docRuns[d+1]),
 * run r holds entries [runEnd[r-1], runEnd[r]) of (term, count) in first-seen order.
 */
interface Counts {
  entryTerm: Column<Int32Array>;
  entryCount: Column<Int32Array>;
  runField: Column<Int32Array>;
  runEnd: Column<Int32Array>;
  docRuns: Column<Int32Array>;
  /** Terms a synonym brought into a field, per doc that has any: [field, term ids][] in the order found. */
  synonyms: Map<number, [number, number[]][]>;
}

/**
 * The pieces' counts from the input alone, cheaply (lengths, not the index): buckets of about
 * BUCKET_BYTES by the index's size estimated from the text's, chunks and card pieces of about
 * CHUNK_BYTES and CARD_BYTES by the lengths of what they hold (JSON escapes not counted).
 */
export function planIndex(input: readonly IndexPage[]): IndexPlan {
  let chars = 0;
  let records = 0;
  let cardBytes = 0;
  for (const page of input) {
    const sections = page.sections.slice(0, MAX_SECTIONS);
    // A record: [url, title, crumb, severity, generated, [[anchor, heading, snippet], ...]]; a card: the same without snippets.
    let card = page.url.length + page.title.length + page.crumb.length + (page.severity ?? '').length + 14;
    let snippets = 0;
    sections.forEach((s, i) => {
      chars += s.text.length + s.other.length + s.heading.length;
      card += s.anchor.length + (i === 0 ? 0 : s.heading.length) + 8;
      const prose = i === 0 && page.description ? page.description.length + (s.text ? s.text.length + 1 : 0) : s.text.length;
      snippets += Math.min(prose, SNIPPET_CHARS) + 3;
    });
    chars += page.title.length + (page.description ?? '').length;
    records += card + snippets;
    cardBytes += (1 + page.alerts.length) * card; // its title key and about one whole name per alert
  }
  const avgRecord = input.length ? records / input.length : 1;
  return {
    buckets: Math.max(1, Math.min(1024, Math.ceil((chars * INDEX_BYTES_PER_CHAR) / BUCKET_BYTES))),
    pagesPerChunk: Math.max(1, Math.floor(CHUNK_BYTES / avgRecord)),
    cardPieces: Math.max(1, Math.ceil(cardBytes / CARD_BYTES)),
  };
}

export function buildSearchIndex(input: readonly IndexPage[], options: SearchOptions = {}): SearchPieces {
  const plan = options.plan ?? planIndex(input);
  const pages = [...input].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
  const vocab = new Vocabulary();
  const classes = synonymClasses(options.synonyms ?? [], vocab);
  const counts: Counts = {
    entryTerm: new Column(ints(1 << 16), ints),
    entryCount: new Column(ints(1 << 16), ints),
    runField: new Column(ints(1 << 12), ints),
    runEnd: new Column(ints(1 << 12), ints),
    docRuns: new Column(ints(1 << 10), ints),
    synonyms: new Map(),
  };
  const docId = new Column(ints(1 << 10), ints);
  const docLength = new Column(ints(1 << 10), ints);
  const docPage = new Column(ints(1 << 10), ints);
  // Per page: the terms that name it exactly (its title key, its alerts' whole names), whose buckets carry its card.
  const cardTerms: string[][] = new Array(pages.length);
  // Scratch per term id, zero between uses: a count while a field is counted, then the fields holding it (bits).
  let tf = new Int32Array(1 << 16);
  let mark = new Int32Array(1 << 16);
  // Docs per term, known before scoring so that postings go straight to their term's place.
  let df = new Int32Array(1 << 16);
  const inDoc: number[] = [];
  let textLength = 0;
  const grow = (): void => {
    if (vocab.terms.length <= tf.length) return;
    const size = Math.max(vocab.terms.length, tf.length * 2);
    const widen = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    tf = widen(tf);
    mark = widen(mark);
    df = widen(df);
  };
  grow();

  const count = (field: Field, ids: readonly number[]): void => {
    if (!ids.length) return;
    grow();
    const start = counts.entryTerm.length;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (tf[id] === 0) counts.entryTerm.push(id);
      tf[id]++;
    }
    const bit = 1 << FIELD[field];
    const terms = counts.entryTerm.data;
    for (let e = start; e < counts.entryTerm.length; e++) {
      const id = terms[e]!;
      counts.entryCount.push(tf[id]!);
      tf[id] = 0;
      if (mark[id] === 0) inDoc.push(id);
      mark[id]! |= bit;
    }
    counts.runField.push(FIELD[field]);
    counts.runEnd.push(counts.entryTerm.length);
  };

  pages.forEach((page, p) => {
    const sections = page.sections.slice(0, MAX_SECTIONS);
    sections.forEach((s, n) => {
      counts.docRuns.push(counts.runField.length);
      const textIds = vocab.text(s.text);
      const textTerms = textIds.length;
      count('text', textIds);
      if (n === 0 && page.description) count('description', vocab.text(page.description));
      count('other', vocab.text(s.other));
      if (n === 0) {
        count('title', vocab.withPairs(page.title));
        const key = titleKey(page.title);
        count('exactTitle', [vocab.id(key)]);
        count('crumb', vocab.text(page.crumb));
        const alerts = identifierTerms(page.alerts);
        cardTerms[p] = [key, ...alerts.whole];
        count('alert', vocab.all(alerts.whole));
        count('alertPart', vocab.all(alerts.parts));
        const services = identifierTerms(page.services);
        count('service', vocab.all([...services.whole, ...services.parts]));
        count('team', page.team.flatMap((t) => vocab.withPairs(t)));
        if (page.severity) count('severity', [vocab.id(page.severity)]);
      } else {
        count('heading', vocab.withPairs(s.heading));
        count('pageTitle', vocab.text(page.title));
      }
      const d = docId.length;
      let found: [number, number[]][] | undefined;
      const runs = counts.docRuns.data[d]!;
      for (const c of classes) {
        for (let r = runs; r < counts.runField.length; r++) {
          const bit = 1 << counts.runField.data[r]!;
          if (!c.members.some((m) => m.every((t) => mark[t]! & bit))) continue;
          found ??= [];
          let syn = found.find((f) => f[0] === counts.runField.data[r]);
          if (!syn) found.push((syn = [counts.runField.data[r]!, []]));
          for (const t of c.inject) if (!(mark[t]! & bit) && !syn[1].includes(t)) syn[1].push(t);
        }
      }
      if (found) {
        counts.synonyms.set(d, found);
        for (const [, terms] of found) {
          for (const t of terms) {
            if (mark[t]) continue;
            mark[t] = 1 << 30; // counted once however many fields it was brought into
            inDoc.push(t);
          }
        }
      }
      for (const id of inDoc) {
        df[id]++;
        mark[id] = 0;
      }
      inDoc.length = 0;
      textLength += textTerms;
      docId.push(p * MAX_SECTIONS + n);
      docLength.push(textTerms);
      docPage.push(p);
    });
  });
  counts.docRuns.push(counts.runField.length);

  // Score every (term, doc): sum over fields in the order they were counted, then rarity.
  const n = docId.length;
  const avgLength = n ? textLength / n : 1;
  const terms = vocab.terms;
  // Postings grouped by term, each term's in doc order: term t's are [first[t], first[t + 1]).
  const first = new Int32Array(terms.length + 1);
  for (let t = 0; t < terms.length; t++) first[t + 1] = first[t]! + df[t]!;
  const at = first.slice();
  const byTermDoc = new Int32Array(first[terms.length]!);
  const byTermScore = new Float64Array(first[terms.length]!);
  const score = new Float64Array(terms.length);
  const seen = new Uint8Array(terms.length);
  const touched = new Int32Array(terms.length);
  let touchedCount = 0;
  // A title typed in full finds its page, generated or not: its key is not raised for a runbook.
  const titleKeyTerm = new Uint8Array(terms.length);
  for (let t = 0; t < terms.length; t++) titleKeyTerm[t] = terms[t]!.charCodeAt(0) === 61 /* = */ ? 1 : 0;
  // Per field number: its weight on an ordinary page and on a generated listing, and with a synonym.
  const weight = FIELDS.map((f) => [WEIGHTS[f] * 1, WEIGHTS[f] * (PROSE.has(f) ? WEIGHTS.generatedProse : WEIGHTS.generated)]);
  const synonymWeight = FIELDS.map((f) => [WEIGHTS[f] * WEIGHTS.synonym * 1, WEIGHTS[f] * WEIGHTS.synonym * (PROSE.has(f) ? WEIGHTS.generatedProse : WEIGHTS.generated)]);
  const saturates = FIELDS.map((f) => SATURATES.has(f));
  const bodyNorm = FIELDS.map((f) => f === 'text' || f === 'other');
  const entryTerm = counts.entryTerm.data;
  const entryCount = counts.entryCount.data;
  const runField = counts.runField.data;
  const runEnd = counts.runEnd.data;
  const docRuns = counts.docRuns.data;
  for (let d = 0; d < n; d++) {
    const page = pages[docPage.data[d]!]!;
    const listing = page.generated ? 1 : 0;
    const bodyNormOfDoc = K1 * (1 - B + (B * docLength.data[d]!) / avgLength);
    for (let r = docRuns[d]!; r < docRuns[d + 1]!; r++) {
      const f = runField[r]!;
      const w = weight[f]![listing]!;
      const norm = bodyNorm[f] ? bodyNormOfDoc : K1;
      const sat = saturates[f];
      for (let e = r === 0 ? 0 : runEnd[r - 1]!; e < runEnd[r]!; e++) {
        const c = entryCount[e]!;
        const id = entryTerm[e]!;
        if (!seen[id]) {
          seen[id] = 1;
          touched[touchedCount++] = id;
        }
        score[id] += sat ? (w * c * (K1 + 1)) / (c + norm) : w;
      }
    }
    for (const [f, synonymTerms] of counts.synonyms.get(d) ?? []) {
      const w = synonymWeight[f]![listing]!;
      for (const id of synonymTerms) {
        if (!seen[id]) {
          seen[id] = 1;
          touched[touchedCount++] = id;
        }
        score[id] += w;
      }
    }
    const factor = page.runbook ? WEIGHTS.runbook : 1;
    const doc = docId.data[d]!;
    for (let i = 0; i < touchedCount; i++) {
      const id = touched[i]!;
      const k = at[id]!++;
      byTermDoc[k] = doc;
      byTermScore[k] = titleKeyTerm[id] ? score[id]! : score[id]! * factor;
      score[id] = 0;
      seen[id] = 0;
    }
    touchedCount = 0;
  }

  // Terms into buckets: "term":[doc, score, doc delta, score, ...] with the best MAX_POSTINGS docs,
  // written as bytes (3 million numbers: no string per number or per term).
  const usedTerms: string[] = [];
  for (let t = 0; t < terms.length; t++) if (df[t]) usedTerms.push(terms[t]!);
  usedTerms.sort(); // unique strings, by UTF-16 code units as `<` compares them
  const used = usedTerms.map((term) => vocab.id(term));
  const out = new Bytes(1 << 20);
  const entryAt = new Int32Array(used.length + 1);
  let totalBytes = 0;
  let scratch = new Float64Array(MAX_POSTINGS * 2);
  for (let u = 0; u < used.length; u++) {
    const t = used[u]!;
    const from = first[t]!;
    const to = first[t + 1]!;
    const count = to - from;
    const idf = Math.log(1 + (n - count + 0.5) / (count + 0.5));
    // A common term keeps its MAX_POSTINGS best docs: the score they must reach.
    let floor = -Infinity;
    if (count > MAX_POSTINGS) {
      if (scratch.length < count) scratch = new Float64Array(count);
      scratch.set(byTermScore.subarray(from, to));
      floor = nthSmallest(scratch, count, count - MAX_POSTINGS);
    }
    const begin = out.length;
    out.json(usedTerms[u]!);
    out.ascii(':[');
    let last = 0;
    let firstPosting = true;
    for (let i = from; i < to; i++) {
      if (byTermScore[i]! < floor) continue;
      const d = byTermDoc[i]!;
      if (!firstPosting) out.byte(44 /* , */);
      firstPosting = false;
      out.int(d - last);
      out.byte(44);
      out.int(Math.max(1, Math.round(byTermScore[i]! * idf * 10)));
      last = d;
    }
    out.byte(93 /* ] */);
    entryAt[u] = begin;
    // Counted in UTF-16 units, as the bucket count has always been reckoned.
    totalBytes += out.length - begin - out.lastJsonBytes + 1;
  }
  entryAt[used.length] = out.length;
  // Head-typo keys: a word without its first or its second letter -> the words it comes from, in the
  // key's bucket, so "tolback" (key "olback") finds rollback although it lives in another bucket.
  const heads = new Map<string, number[]>();
  const addHead = (key: string, t: number) => {
    const from = heads.get(key);
    if (from) from.push(t);
    else heads.set(key, [t]);
  };
  for (const t of used) {
    const term = terms[t]!;
    if (term.length < HEAD_TYPO.min || term.length > HEAD_TYPO.max || !/^[a-z]+$/.test(term)) continue;
    const rest = term.slice(2);
    addHead(term[1] + rest, t);
    if (term[0] !== term[1]) addHead(term[0] + rest, t);
  }
  const headKeys = [...heads.keys()].sort();
  const headEntries: string[] = [];
  for (const key of headKeys) {
    // The most common words first: the likelier meaning of a typo.
    const from = heads.get(key)!;
    const names = from.sort((a, b) => df[b]! - df[a]! || a - b).slice(0, HEAD_TYPO.perKey);
    // Keys and words are plain letters: their JSON is themselves in quotes.
    let entry = `"~${key}":[`;
    names.forEach((t, i) => (entry += `${i ? ',' : ''}"${terms[t]!}"`));
    entry += ']';
    headEntries.push(entry);
    totalBytes += entry.length + 1;
  }
  const buckets = plan.buckets;
  const termsIn: number[][] = Array.from({ length: buckets }, () => []);
  const headsIn: number[][] = Array.from({ length: buckets }, () => []);
  for (let u = 0; u < used.length; u++) termsIn[bucketOf(usedTerms[u]!, buckets)]!.push(u);
  headKeys.forEach((key, h) => headsIn[bucketOf(key, buckets)]!.push(h));

  const pieces = new Map<string, Buffer>();
  for (let b = 0; b < buckets; b++) {
    const head = `rsSearch("s${b}",{`;
    const tail = '});\n';
    let size = head.length + tail.length;
    const list = termsIn[b]!;
    const keys = headsIn[b]!;
    for (const u of list) size += entryAt[u + 1]! - entryAt[u]! + 1;
    for (const h of keys) size += headEntries[h]!.length + 1;
    if (list.length + keys.length) size--;
    const buf = Buffer.allocUnsafe(size);
    let p = buf.write(head, 0, 'latin1');
    let comma = false;
    for (const u of list) {
      if (comma) buf[p++] = 44;
      comma = true;
      buf.set(out.data.subarray(entryAt[u]!, entryAt[u + 1]!), p);
      p += entryAt[u + 1]! - entryAt[u]!;
    }
    for (const h of keys) {
      if (comma) buf[p++] = 44;
      comma = true;
      p += buf.write(headEntries[h]!, p, 'latin1');
    }
    buf.write(tail, p, 'latin1');
    pieces.set(`s${b}`, buf);
  }

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
  // Cards: what a result shows but the snippet, in small pieces by a hash of the whole term that
  // names the page exactly (its title key, its alerts' whole names), fetched beside the buckets.
  const cards = pages.map((page) =>
    JSON.stringify([page.url, page.title, page.crumb, page.severity ?? '', page.generated ? 1 : 0, page.sections.slice(0, MAX_SECTIONS).map((s, i) => [s.anchor, i === 0 ? '' : s.heading])]),
  );
  const cardPieces = plan.cardPieces;
  const cardsIn: number[][] = Array.from({ length: cardPieces }, () => []);
  cardTerms.forEach((names, p) => {
    for (const name of names) {
      const list = cardsIn[cardPieceOf(name, cardPieces)]!;
      if (list[list.length - 1] !== p) list.push(p);
    }
  });
  cardsIn.forEach((list, k) => pieces.set(`k${k}`, Buffer.from(piece(`k${k}`, `{${list.map((p) => `"${p}":${cards[p]!}`).join(',')}}`))));

  const pagesPerChunk = plan.pagesPerChunk;
  for (let c = 0; c * pagesPerChunk < records.length; c++) {
    pieces.set(`c${c}`, Buffer.from(piece(`c${c}`, `[${records.slice(c * pagesPerChunk, (c + 1) * pagesPerChunk).join(',')}]`)));
  }
  return { pieces, buckets, pagesPerChunk, cardPieces, stats: { pages: pages.length, docs: n, terms: used.length, bytes: totalBytes } };
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

/** The k-th smallest of a[0, n) (k from 0), reordering a: quickselect, linear on average. */
function nthSmallest(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const x = a[i]!;
        a[i] = a[j]!;
        a[j] = x;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** An append-only byte buffer for the index's JSON: ASCII digits and punctuation, UTF-8 strings. */
class Bytes {
  data: Uint8Array;
  length = 0;
  /** UTF-8 bytes minus UTF-16 units of the last json() string (non-zero only beyond ASCII). */
  lastJsonBytes = 0;
  constructor(size: number) {
    this.data = new Uint8Array(size);
  }
  private room(n: number): void {
    if (this.length + n <= this.data.length) return;
    const next = new Uint8Array(Math.max(this.data.length * 2, this.length + n));
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  byte(b: number): void {
    this.room(1);
    this.data[this.length++] = b;
  }
  ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.data[this.length++] = s.charCodeAt(i);
  }
  /** A non-negative integer, as String(n) writes it. */
  int(v: number): void {
    this.room(16);
    if (v < 10) {
      this.data[this.length++] = 48 + v;
      return;
    }
    let digits = 0;
    for (let x = v; x > 0; x = Math.floor(x / 10)) digits++;
    let at = this.length + digits;
    this.length = at;
    for (let x = v; x > 0; x = Math.floor(x / 10)) this.data[--at] = 48 + (x % 10);
  }
  /** JSON.stringify(s) in UTF-8. */
  json(s: string): void {
    const text = JSON.stringify(s);
    let ascii = true;
    for (let i = 0; i < text.length && ascii; i++) ascii = text.charCodeAt(i) < 128;
    if (ascii) {
      this.ascii(text);
      this.lastJsonBytes = 0;
    } else {
      const bytes = Buffer.from(text);
      this.room(bytes.length);
      this.data.set(bytes, this.length);
      this.length += bytes.length;
      this.lastJsonBytes = bytes.length - text.length;
    }
  }
}
