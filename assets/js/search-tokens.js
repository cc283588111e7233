/**
 * The search tokenizer, one copy for both sides: the browser bundle imports it
 * (assets/js/search-engine.js) and the build indexes with this same file (through
 * lib/search/tokenize.ts), so a word is cut the same way when it is indexed and when it is typed.
 * Plain JavaScript (types in search-tokens.d.ts) because the assets folder is copied as it is into
 * other projects; no Node or DOM APIs here.
 *
 * A "word" is a run of letters and digits, joined by `.`, `_` or `-` into one identifier
 * (`nsq.channel.depth.high`, `queue_depth`, `dd-agent`), each piece also cut at CamelCase humps
 * (`KubePodCrashLooping` -> kube pod crash looping) and before a serial number of 3+ digits
 * (`High624` -> high 624). An identifier yields its parts, the whole joined
 * (`nsqchanneldepthhigh`: the exact alert name) and every run of adjacent parts joined (`crashlooping`,
 * `podcrash`...; none with a number part), so it is found whole, in parts, and as a person would type a piece of it.
 */

/** Words too common to tell pages apart; never indexed, dropped from queries. */
/** @type {ReadonlySet<string>} */
const STOP = new Set(
  'a an and are as at be by for from has have if in into is it its of on or that the their then there these this to was were when which will with you your do does not no can'.split(' '),
);

const WORD = /[\p{L}\p{N}]+(?:[._-][\p{L}\p{N}]+)*/gu;
const SEPARATOR = /[._-]/;
/** CamelCase humps: `podCrash` -> pod|Crash, `HTTPServer` -> HTTP|Server. */
const HUMP = /([\p{Ll}\p{N}])(\p{Lu})|(\p{Lu})(\p{Lu}\p{Ll})/gu;
const MARKS = /[\u0300-\u036f]/g;
const ASCII = /^[\x00-\x7f]*$/;
const PLAIN = /^[a-z0-9]+$/;
const DIGITS = /^[0-9]+$/;
/** A hump ending in a serial number (`High624`): letters, then 3 or more digits. */
const SERIAL = /^(\p{L}+)(\p{N}{3,})$/u;

/** Lower case without accents. */
export function fold(s) {
  return (ASCII.test(s) ? s : s.normalize('NFKD').replace(MARKS, '')).toLowerCase();
}

/**
 * A light plural stemmer, the same at index and query time: `channels` -> `channel`,
 * `retries` -> `retry`. Words of three letters or fewer (`aws`, `ecs`) and `-ss`/`-us`/`-is` stay.
 */
export function stem(t) {
  if (t.length <= 3 || t.charCodeAt(t.length - 1) !== 115 /* s */) return t;
  if (/(?:ss|us|is)$/.test(t)) return t;
  if (t.endsWith('ies') && t.length > 4) return `${t.slice(0, -3)}y`;
  return t.slice(0, -1);
}

/** The parts of one raw word (already matched by WORD), folded and stemmed. */
export function wordParts(raw) {
  // Most words are plain lower-case ASCII: nothing to split or fold.
  if (PLAIN.test(raw)) return [raw];
  const parts = [];
  for (const piece of raw.split(SEPARATOR)) {
    for (const hump of piece.replace(HUMP, '$1$3 $2$4').split(' ')) {
      // `HealthDiskHigh624` -> ... high, 624, as `health.disk.high.624` is cut: one term `high624`
      // per alert crowded the bucket of every query with "high" (docs/decisions.md#search-serials).
      const serial = SERIAL.exec(hump);
      for (const h of serial ? [serial[1], serial[2]] : [hump]) {
        const t = fold(h);
        if (t) parts.push(t);
      }
    }
  }
  return parts;
}

/**
 * Joined forms of an identifier's parts: the whole, and every run of 2+ adjacent parts (up to 6
 * parts) without a part that is a number. A run like `high624` (from `disk.high.624`) is typed by
 * no one, and one per alert crowded the bucket every query with "high" loads (docs/decisions.md#search-first-result).
 */
export function joins(parts) {
  if (parts.length < 2) return [];
  const out = [parts.join('')];
  if (parts.length > 6) return out;
  const number = parts.map(function (p) {
    return DIGITS.test(p);
  });
  for (let len = 2; len < parts.length; len++) {
    for (let i = 0; i + len <= parts.length; i++) {
      if (number.slice(i, i + len).indexOf(true) < 0) out.push(parts.slice(i, i + len).join(''));
    }
  }
  return out;
}

/** The raw words of a text, as indexTerms cuts it: the build caches each distinct word's terms. */
export function rawWords(text) {
  return text.match(WORD) || [];
}

/** Terms a stretch of text is indexed under, in order, with repeats (for term frequency). */
export function indexTerms(text, out = []) {
  WORD.lastIndex = 0;
  for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
    const parts = wordParts(m[0]);
    if (parts.length === 1) {
      if (keep(parts[0])) out.push(stem(parts[0]));
      continue;
    }
    for (const p of parts) if (keep(p)) out.push(stem(p));
    for (const j of joins(parts)) out.push(j);
  }
  return out;
}

function keep(t) {
  return (t.length > 1 || (t >= '0' && t <= '9')) && !STOP.has(t);
}

/** The words of a query; stop words dropped unless they are all there is. */
export function queryWords(query) {
  const words = [];
  for (const m of query.matchAll(WORD)) {
    const parts = wordParts(m[0]);
    const terms = parts.filter(keep).map(stem);
    if (!terms.length) continue;
    words.push(parts.length > 1 ? { raw: m[0], terms, joined: parts.join('') } : { raw: m[0], terms });
  }
  return words;
}

/**
 * The key of a whole title: its words' parts, in order (`=the datadog agent` -> `=datadog agent`).
 * A query typed exactly as a page's title finds that page through this one term.
 */
export function titleKey(text) {
  const terms = [];
  for (const m of text.matchAll(WORD)) for (const p of wordParts(m[0])) if (keep(p)) terms.push(stem(p));
  return `=${terms.join(' ')}`;
}

/** Runs of text that are words, for highlighting: [start, end) offsets and the word's parts. */
export function wordSpans(text) {
  const out = [];
  for (const m of text.matchAll(WORD)) out.push({ start: m.index, end: m.index + m[0].length, parts: wordParts(m[0]).map(stem) });
  return out;
}

/**
 * FNV-1a of a term's first two characters: which bucket (index piece) holds the term. A title key
 * (`=health disk high 624`) goes by the two after its `=`: the bucket of the query's first word,
 * which the query loads anyway (one request fewer: docs/decisions.md#search-requests).
 */
export function bucketOf(term, buckets) {
  const key = term.charCodeAt(0) === 61 /* = */ ? term.slice(1, 3) : term.slice(0, 2);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % buckets;
}

/**
 * FNV-1a of a whole term: which card piece holds the cards of the pages it names exactly. A title
 * key counts without its `=` and spaces, so an alert's name typed whole needs one card piece, not
 * two (its title key and its joined name are then the same: docs/decisions.md#search-requests).
 */
export function cardPieceOf(term, pieces) {
  const name = term.charCodeAt(0) === 61 /* = */ ? term.slice(1).replace(/ /g, '') : term;
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % pieces;
}
