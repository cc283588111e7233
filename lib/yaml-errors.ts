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
  return { line: markLine + 1, column: (e.mark?.column ?? 0) + 1 };
}

/** The 1-based line (counted from `firstLine`) where the key named by `keyPath` is written. */
export function lineOfKey(yamlText: string, keyPath: readonly PropertyKey[], firstLine: number): number {
  const lines = yamlText.split('\n');
  let from = 0;
  let found = -1;
  for (const key of keyPath) {
    if (typeof key === 'number') {
      // The n-th list item after the parent key.
      let seen = -1;
      for (let i = from; i < lines.length; i++) {
        if (/^\s*-\s/.test(lines[i]!) || /^\s*-$/.test(lines[i]!)) seen++;
        if (seen === key) {
          found = i;
          from = i;
          break;
        }
      }
      continue;
    }
    const re = new RegExp(`^\\s*["']?${String(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`);
    for (let i = from; i < lines.length; i++) {
      if (re.test(lines[i]!)) {
        found = i;
        from = i + 1;
        break;
      }
    }
  }
  return found === -1 ? firstLine : firstLine + found;
}

function describeValue(v: unknown): string {
  if (v === null) return 'nothing';
  if (v instanceof Date) return `the date ${v.toISOString().slice(0, 10)}`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a group of fields';
  if (typeof v === 'string') return `the text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  return `${typeof v === 'number' ? 'the number' : typeof v} ${String(v)}`;
}

const EXPECTED: Record<string, string> = {
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
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
