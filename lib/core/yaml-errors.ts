/**
 * Turns schema issues into plain words, and finds the line of a YAML key so each message can
 * point at the line an editor shows.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** What js-yaml (through gray-matter) throws: `mark` is 0-based within the YAML text. */
export interface YamlError {
  message: string;
  reason?: string;
  mark?: { line: number; column: number };
}

/**
 * Where a YAML error is, as a line of the YAML text (1-based) and column. For a quote that is never
 * closed js-yaml points at the end of the text; the useful place is the line where the quote opens.
 */
export function yamlErrorPosition(yamlText: string, e: YamlError): { line: number; column: number } {
  const lines = yamlText.split('\n');
  const markLine = Math.min(e.mark?.line ?? 0, lines.length - 1);
  const quote = /double quoted/.test(e.reason ?? '') ? '"' : /single quoted/.test(e.reason ?? '') ? "'" : undefined;
  if (quote) {
    for (let i = markLine; i >= 0; i--) {
      const count = lines[i]!.split(quote).length - 1;
      if (count % 2 === 1) return { line: i + 1, column: lines[i]!.indexOf(quote) + 1 };
    }
  }
  // js-yaml marks the end of a tagged value; the tag itself (`!!js/function`) is what to change.
  const tag = /^unknown tag !<tag:yaml\.org,2002:(.+)>$/.exec(e.reason ?? '');
  if (tag) {
    const at = lines[markLine]!.lastIndexOf(`!!${tag[1]}`, e.mark?.column);
    if (at !== -1) return { line: markLine + 1, column: at + 1 };
  }
  return { line: markLine + 1, column: (e.mark?.column ?? 0) + 1 };
}

/** The hint for a YAML error: the general one, or what to do about a tag the safe loader refuses. */
export function yamlErrorHint(e: YamlError, general: string): string {
  return /^unknown tag/.test(e.reason ?? '') ? 'Tags such as !!js/function or !!binary are not allowed here: write a plain value (in quotes if it has special characters).' : general;
}

/**
 * The lines of a YAML text, indexed once for key lookups: every line that starts a `key:` (by its
 * key, as written plain, 'single' or "double" quoted with escapes) and every line that starts a
 * `- ` list item. A lookup is then a binary search, not a scan of the text, so a page with many keys
 * stays linear (docs/decisions.md#yaml-lines).
 */
export class YamlLines {
  private readonly keys = new Map<string, number[]>();
  private readonly items: number[] = [];

  constructor(yamlText: string) {
    const lines = yamlText.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (/^\s*-(\s|$)/.test(line)) this.items.push(i);
      const key = keyOfLine(line);
      if (key === undefined) continue;
      const list = this.keys.get(key);
      if (list) list.push(i);
      else this.keys.set(key, [i]);
    }
  }

  /** The 1-based line (counted from `firstLine`) where the key named by `keyPath` is written. */
  lineOf(keyPath: readonly PropertyKey[], firstLine: number): number {
    let from = 0;
    let found = -1;
    for (const key of keyPath) {
      if (typeof key === 'number') {
        // The n-th list item after the parent key.
        const i = firstAtOrAfter(this.items, from) + key;
        if (i < this.items.length) {
          found = this.items[i]!;
          from = found;
        }
        continue;
      }
      const list = this.keys.get(String(key)) ?? [];
      const i = firstAtOrAfter(list, from);
      if (i < list.length) {
        found = list[i]!;
        from = found + 1;
      }
    }
    return found === -1 ? firstLine : firstLine + found;
  }
}

/** The key a YAML line starts (after indentation and `- ` list markers), as the parser reads it. */
function keyOfLine(line: string): string | undefined {
  const m = /^\s*(?:-\s+)*(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^\s"'#\-?:,[\]{}][^:#]*?|-[^\s:#][^:#]*?))\s*:(?:\s|$)/.exec(line);
  if (!m) return undefined;
  if (m[1] !== undefined) {
    try {
      return JSON.parse(`"${m[1]}"`) as string;
    } catch {
      return m[1];
    }
  }
  if (m[2] !== undefined) return m[2].replace(/''/g, "'");
  return m[3];
}

function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The 1-based line (counted from `firstLine`) where the key named by `keyPath` is written. Give a
 * YamlLines when looking up more than a few keys of the same text.
 */
export function lineOfKey(yaml: string | YamlLines, keyPath: readonly PropertyKey[], firstLine: number): number {
  return (typeof yaml === 'string' ? new YamlLines(yaml) : yaml).lineOf(keyPath, firstLine);
}

function describeValue(v: unknown): string {
  if (v === null) return 'nothing';
  if (v instanceof Date) return `the date ${v.toISOString().slice(0, 10)}`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a group of fields';
  if (typeof v === 'string') return `the text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return `${typeof v === 'number' ? 'the number' : typeof v} ${String(v)}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a piece of text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list (lines starting with "- ", or [a, b])',
  object: 'a group of fields',
  date: 'a date',
};

/** A field path as people read it: `services[2]` -> `services (item 3)`. */
export function fieldName(p: readonly PropertyKey[]): string {
  let out = '';
  for (const k of p) {
    if (typeof k === 'number') out += ` (item ${k + 1})`;
    else out += out ? `.${String(k)}` : String(k);
  }
  return out || 'front matter';
}

export function describeZodIssue(issue: Issue, value?: unknown): { message: string; hint: string } {
  const field = `\`${fieldName(issue.path)}\``;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (value === undefined && issue.message.includes('undefined')) {
        return { message: `${field} is required`, hint: `Add a line "${fieldName(issue.path)}: ..." with ${expected}.` };
      }
      return {
        message: `${field} must be ${expected}${value === undefined ? '' : `, not ${describeValue(value)}`}`,
        hint: issue.expected === 'string' ? 'Put the value in quotes if it contains ":" or starts with a special character.' : `Write ${field} as ${expected}.`,
      };
    }
    case 'invalid_value': {
      const options = (issue as { values?: unknown[] }).values ?? [];
      return {
        message: `${field} must be one of: ${options.join(', ')}${value === undefined ? '' : ` (found ${describeValue(value)})`}`,
        hint: `Use exactly one of: ${options.join(', ')}.`,
      };
    }
    case 'unrecognized_keys':
      return { message: `unknown field(s): ${issue.keys.join(', ')}`, hint: 'Remove the field or check its spelling.' };
    default:
      return { message: `${field} ${issue.message}`, hint: `Fix the value of ${field}.` };
  }
}

/** Edit distance, for "did you mean" suggestions on misspelled field names. */
export function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const limit = Math.max(2, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  for (const c of candidates) {
    if (Math.abs(c.length - word.length) > limit) continue; // the distance is at least that
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= limit ? best : undefined;
}
