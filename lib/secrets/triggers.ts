/**
 * Which secret rules can match a text, by plain substring search: for each rule, strings of which
 * every match it reports contains one (read off the rule's regular expressions). A page holding
 * none of a rule's strings skips that rule, and one holding none of any rule's skips secretlint:
 * most pages hold a few, so most rules run on few pages (figures: docs/decisions.md#secrets-prefilter).
 * test/secrets.test.ts checks that every scanner of the preset has its needles here.
 */
import { projectRules, type Needles } from './rules.ts';

/** secretlint-rule-preset-recommend 11.7.1's scanners (the id without `@secretlint/secretlint-rule-`). */
export const PRESET_NEEDLES: Readonly<Record<string, Needles>> = Object.freeze({
  // Access key ids by prefix; secret keys as `(SECRET|secret|Secret)_?(ACCESS|access|Access)`. Account ids are not reported (scan.ts).
  aws: { exact: ['A3T', 'AKIA', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ASIA'], lower: ['secretaccess', 'secret_access'] },
  // Reads a `.json` or `.p12` file only; pages are scanned as `.md`, so this is for completeness.
  gcp: { exact: ['private_key_id'] },
  npm: { exact: ['npm_'] },
  basicauth: { exact: ['://'] },
  slack: { exact: ['xoxb-', 'xoxp-', 'xapp-', 'xoxa-', 'xoxo-', 'xoxr-'], lower: ['hooks.slack.com/services/'] },
  sendgrid: { exact: ['SG.'] },
  shopify: { exact: ['shppa_', 'shpca_', 'shpat_', 'shpss_'] },
  github: { exact: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'] },
  openai: { exact: ['T3BlbkFJ'] },
  anthropic: { exact: ['sk-ant-api0'] },
  linear: { exact: ['lin_api_'] },
  '1password': { exact: ['ops_ey'] },
  privatekey: { exact: ['-----BEGIN'] },
  'database-connection-string': { lower: ['mongodb', 'mysql', 'postgres'] },
});

/** Preset rules that only filter others' findings (secretlint-disable comments): they run whenever a scanner does. */
export const PRESET_FILTERS: readonly string[] = Object.freeze(['filter-comments']);

/** The scanners worth running on a text: the preset's (short ids) and the project's (ids). */
export interface Triggered {
  preset: ReadonlySet<string>;
  project: ReadonlySet<string>;
  /** Texts with the same key need the same rules (and can be scanned together). */
  key: string;
}

/** Every needle, and which rules it triggers ('preset:aws', 'project:jwt'). */
function needleTable(kind: 'exact' | 'lower'): ReadonlyMap<string, readonly string[]> {
  const table = new Map<string, string[]>();
  const add = (rule: string, needles: Needles) => {
    for (const n of needles[kind] ?? []) table.set(n, [...(table.get(n) ?? []), rule]);
  };
  for (const [id, needles] of Object.entries(PRESET_NEEDLES)) add(`preset:${id}`, needles);
  for (const r of projectRules) add(`project:${r.id}`, r.needles);
  return table;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An alternation of words as a trie (`A(?:KIA|SIA)`): the regex engine tries far fewer branches at each place. */
function trie(words: readonly string[]): string {
  const byFirst = new Map<string, string[]>();
  let ends = false;
  for (const w of words) {
    if (w === '') ends = true;
    else byFirst.set(w[0]!, [...(byFirst.get(w[0]!) ?? []), w.slice(1)]);
  }
  const branches = [...byFirst].map(([c, rest]) => escape(c) + trie(rest));
  if (!branches.length) return '';
  const body = branches.length === 1 ? branches[0]! : `(?:${branches.join('|')})`;
  return ends ? `(?:${body})?` : body;
}

/**
 * One pass over the text for all needles: a lookahead at each place one starts, the trie greedy, so
 * every needle starting there is the one found or a prefix of it.
 */
function needleScanner(kind: 'exact' | 'lower'): (text: string, into: Set<string>) => void {
  const table = needleTable(kind);
  const needles = [...table.keys()];
  const re = new RegExp(`(?=(${trie(needles)}))`, kind === 'lower' ? 'gi' : 'g');
  return (text, into) => {
    const seen = new Set<string>();
    for (const m of text.matchAll(re)) {
      const found = kind === 'lower' ? m[1]!.toLowerCase() : m[1]!;
      if (seen.has(found)) continue;
      seen.add(found);
      for (const n of needles) if (found.startsWith(n)) for (const rule of table.get(n)!) into.add(rule);
    }
  };
}

/** Which rules can match a text, the preset's and the project's. */
export function triggerFinder(): (text: string) => Triggered {
  const exact = needleScanner('exact');
  const lower = needleScanner('lower');
  return (text) => {
    const rules = new Set<string>();
    exact(text, rules);
    lower(text, rules);
    const preset = Object.keys(PRESET_NEEDLES).filter((id) => rules.has(`preset:${id}`));
    const project = projectRules.filter((r) => rules.has(`project:${r.id}`)).map((r) => r.id);
    return { preset: new Set(preset), project: new Set(project), key: `${preset.join(',')}|${project.join(',')}` };
  };
}
