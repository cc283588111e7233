/**
 * Finds credentials in text or bytes with secretlint's recommended preset plus the project's rules
 * for the formats it misses (lib/secrets/rules.ts; the choice and its figures: docs/decisions.md,
 * "Secrets: ruleset"). The message never carries the secret in full.
 *
 * Passes: documented placeholder values (anything containing EXAMPLE, such as AWS's example keys;
 * jwt.io's example token), obvious placeholders (`$VAR`, `${VAR}`, `<password>`, `{{ .x }}`,
 * `changeme`, `***`), and any line carrying the marker `secret-scan: allow`.
 *
 * Bytes are decoded by their byte-order mark (UTF-8, UTF-16 LE/BE), or as UTF-16 when every
 * other byte is NUL (PowerShell's `>` without a BOM), else as UTF-8 with NULs kept, and scanned in
 * windows of whole lines so a file of any size is scanned in bounded memory.
 */
import type { SecretLintCoreConfig, SecretLintRuleCreator } from '@secretlint/types';
import { PROJECT_RULE_ID, projectRuleName, projectRulesCreator } from './rules.ts';
import { PRESET_FILTERS, triggerFinder, type Triggered } from './triggers.ts';
import { lastAtOrBefore, lineStarts } from '../util/line-index.ts';

export const ALLOW_MARKER = 'secret-scan: allow';

export interface SecretFinding {
  /** `secret/<rule>`: stable, for tests and filtering. */
  code: string;
  /** What it is, in words: "an AWS access key id". */
  name: string;
  /** 1-based. */
  line: number;
  column: number;
  /** Length of the secret in characters (to redact it where it is shown whole, e.g. a file name). */
  length: number;
  redacted: string;
}

/**
 * secretlint, loaded when a text first needs it (most builds' start-up does not: docs/decisions.md#secrets-prefilter).
 * @secretlint/core marks every rule run for its profiler, whose observer then scans every mark
 * so far: quadratic in the pages scanned (docs/decisions.md#secrets-cost). Nothing here reads the
 * profile, so marking is switched off.
 */
async function secretlint() {
  const [core, preset, profiler] = await Promise.all([import('@secretlint/core'), import('@secretlint/secretlint-rule-preset-recommend'), import('@secretlint/profiler')]);
  profiler.secretLintProfiler.mark = () => undefined;
  return { lintSource: core.lintSource, presetRules: preset.creator.rules as readonly SecretLintRuleCreator[] };
}

const RULE_PREFIX = '@secretlint/secretlint-rule-';
/** The rules that can match a text (lib/secrets/triggers.ts). */
const triggered = triggerFinder();

/**
 * The configuration that runs only the rules `t` names (the rest cannot match the text:
 * lib/secrets/triggers.ts). The preset's rules are listed one by one, as @secretlint/core 11 runs
 * every rule of a preset even when the configuration disables it.
 */
function configFor(t: Triggered, presetRules: readonly SecretLintRuleCreator[]): SecretLintCoreConfig {
  const rules: SecretLintCoreConfig['rules'] = presetRules
    .filter((rule) => {
      const id = rule.meta.id.replace(RULE_PREFIX, '');
      return t.preset.has(id) || PRESET_FILTERS.includes(id);
    })
    // The AWS rule scans for access key ids only with this option (off by default upstream).
    .map((rule) => ({ id: rule.meta.id, rule, ...(rule.meta.id === `${RULE_PREFIX}aws` ? { options: { enableIDScanRule: true } } : {}) }));
  if (t.project.size) rules.push({ id: PROJECT_RULE_ID, rule: projectRulesCreator(t.project) });
  return { rules };
}

const hasScanners = (t: Triggered) => t.preset.size > 0 || t.project.size > 0;

/** Names for the preset's findings, by messageId (its own messages print the secret). */
const PRESET_NAMES: Readonly<Record<string, string>> = {
  AWSAccessKeyID: 'an AWS access key id',
  AWSSecretAccessKey: 'an AWS secret access key',
  GITHUB_TOKEN: 'a GitHub token',
  NPM_ACCESS_TOKEN: 'an npm token',
  SLACK_TOKEN: 'a Slack token',
  IncomingWebhook: 'a Slack webhook URL',
  PrivateKey: 'a private key',
  BasicAuth: 'a password in a URL',
  SENDGRID_KEY: 'a SendGrid API key',
  SHOPIFY_KEY: 'a Shopify token',
  OPENAI_TOKEN: 'an OpenAI API key',
  ANTHROPIC_API_KEY: 'an Anthropic API key',
  LINEAR_API_TOKEN: 'a Linear API key',
  OPS_TOKEN: 'a 1Password service account token',
  PrivateKeyJSON: 'a GCP service account key',
  PrivateKeyP12: 'a GCP service account key',
};
/** An AWS account id identifies an account; it grants nothing (and the AWS rule reports it with key ids). */
const IGNORED_MESSAGES: ReadonlySet<string> = new Set(['AWSAccountID']);

const PLACEHOLDER =
  /EXAMPLE|^(?:\$\{?\{?[A-Za-z_][\w.\s]*\}?\}?|\$\(.*\)|%[A-Z_]+%|<[^>]+>|\[[^\]]+\]|\{\{.*\}\}|\*+|x+|X+|\.\.\.|…|password|pass|secret|changeme|change_me|redacted|your[-_]?\w+|REPLACE[_-]?ME)$/i;
/** jwt.io's example token: its signature, as documented. */
const DOCUMENTED_JWT_SIGNATURE = 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

/**
 * The secret in a reported range, and where it starts in the text: the password of
 * `scheme://user:password@`, else the range without quotes. The preset's AWS secret key rule
 * reports from the start of `aws_secret_access_key = ...` with the key's length, so there the
 * value after the `=` is read from the text.
 */
function secretPart(text: string, range: readonly [number, number], messageId: string): [at: number, secret: string] {
  const reported = text.slice(range[0], range[1]);
  const url = /:\/\/[^\s:/@]*:([^\s@/]*)@/.exec(reported);
  if (url) return [range[0] + url.index + url[0].length - 1 - url[1]!.length, url[1]!];
  if (messageId === 'AWSSecretAccessKey') {
    const value = /^[^=:]*(?::|=>|=)[ \t]*["']?([A-Za-z0-9/+=]+)/.exec(text.slice(range[0], range[0] + 200));
    if (value) return [range[0] + value[0].length - value[1]!.length, value[1]!];
  }
  const at = /^["'`]/.test(reported) ? 1 : 0;
  return [range[0] + at, reported.slice(at).replace(/["'`]$/, '')];
}

export function isPlaceholder(secret: string): boolean {
  return PLACEHOLDER.test(secret) || secret.includes(DOCUMENTED_JWT_SIGNATURE);
}

/** Shows enough of a secret to find it, never all of it. */
export function redact(secret: string): string {
  const keep = secret.length > 12 ? 4 : 1;
  return `${secret.slice(0, keep)}${'*'.repeat(Math.min(8, secret.length - keep))} (${secret.length} characters)`;
}

function nameOf(ruleId: string, messageId: string): string {
  if (ruleId === PROJECT_RULE_ID) return projectRuleName(messageId) ?? 'a credential';
  if (ruleId.endsWith('database-connection-string')) return 'a password in a database connection string';
  return PRESET_NAMES[messageId] ?? `a credential (${ruleId.replace('@secretlint/secretlint-rule-', '')})`;
}

function codeOf(ruleId: string, messageId: string): string {
  return `secret/${ruleId === PROJECT_RULE_ID ? messageId : ruleId.replace('@secretlint/secretlint-rule-', '')}`;
}

/**
 * A value continued on the next line with a backslash (`KEY=abc\` + `def`) is one value to a
 * shell: the scan sees the joined text. `toOriginal` maps an offset in it back to the text.
 */
function joinContinuations(text: string): { joined: string; toOriginal: (offset: number) => number } {
  const re = /\\\r?\n[ \t]*/g;
  const cuts: [joinedAt: number, removedBefore: number][] = [];
  let removed = 0;
  const joined = text.replace(re, (m, at: number) => {
    removed += m.length;
    cuts.push([at - (removed - m.length), removed]);
    return '';
  });
  return {
    joined,
    toOriginal(offset) {
      let add = 0;
      for (const [at, r] of cuts) {
        if (at > offset) break;
        add = r;
      }
      return offset + add;
    },
  };
}

interface RawFinding {
  code: string;
  name: string;
  /** Offset in the scanned text. */
  offset: number;
  line: number;
  column: number;
  length: number;
  redacted: string;
}

/**
 * Every likely secret in a text (newlines `\n`), with 1-based lines and columns within it. `rules`:
 * the rules that can match it, when the caller knows (texts scanned together need the same).
 */
async function scanWindow(text: string, rules?: Triggered): Promise<RawFinding[]> {
  const { joined, toOriginal } = joinContinuations(text);
  const t = rules ?? triggered(joined);
  if (!hasScanners(t)) return [];
  const { lintSource, presetRules } = await secretlint();
  const result = await lintSource({
    source: { content: joined, filePath: 'page.md', ext: '.md', contentType: 'text' },
    options: { config: configFor(t, presetRules), noPhysicFilePath: true },
  });
  if (!result.messages.length) return [];
  const starts = lineStarts(text);
  const seen = new Set<string>();
  const out: RawFinding[] = [];
  for (const m of result.messages) {
    if (m.type !== 'message' || IGNORED_MESSAGES.has(m.messageId)) continue;
    const [at, secret] = secretPart(joined, m.range, m.messageId);
    if (!secret || isPlaceholder(secret)) continue;
    const offset = toOriginal(at);
    const li = lastAtOrBefore(starts, offset);
    const lineEnd = text.indexOf('\n', offset);
    if (text.slice(starts[li], lineEnd === -1 ? undefined : lineEnd).includes(ALLOW_MARKER)) continue;
    // Two rules on one secret (the preset's and ours): report it once, the first rule's way.
    const key = String(offset);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ code: codeOf(m.ruleId, m.messageId), name: nameOf(m.ruleId, m.messageId), offset, line: li + 1, column: offset - starts[li]! + 1, length: secret.length, redacted: redact(secret) });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** Every likely secret in a text. */
export async function findSecrets(text: string): Promise<SecretFinding[]> {
  return (await scanWindow(text.replace(/\r\n?/g, '\n'))).map(({ offset: _, ...f }) => f);
}

/** Between two texts scanned together: no rule matches across NUL characters on a line of their own. */
const SEPARATOR = '\n\0\0\0\n';
const SEPARATOR_LINES = 2;

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Every likely secret in each of many small texts. Each distinct text is scanned once, only by the
 * rules that can match it (lib/secrets/triggers.ts), and texts needing the same rules are scanned
 * together in batches of about WINDOW characters: secretlint's cost per call is most of the cost of a
 * 3 KB page (docs/decisions.md#secrets-cost). Returns one list per text.
 */
export async function findSecretsInMany(texts: readonly string[]): Promise<SecretFinding[][]> {
  const out: SecretFinding[][] = texts.map(() => []);
  const copies = new Map<string, number[]>(); // normalised text -> indexes holding it
  for (const [i, raw] of texts.entries()) {
    const text = raw.replace(/\r\n?/g, '\n');
    const at = copies.get(text);
    if (at) at.push(i);
    else copies.set(text, [i]);
  }
  const groups = new Map<string, { rules: Triggered; texts: string[] }>();
  for (const text of copies.keys()) {
    const rules = triggered(text.includes('\\\n') ? joinContinuations(text).joined : text);
    if (!hasScanners(rules)) continue;
    const group = groups.get(rules.key);
    if (group) group.texts.push(text);
    else groups.set(rules.key, { rules, texts: [text] });
  }
  for (const { rules, texts: group } of groups.values()) {
    let i = 0;
    while (i < group.length) {
      const batch: { start: number; line: number }[] = [];
      const parts: string[] = [];
      let length = 0;
      let line = 0;
      while (i < group.length && (parts.length === 0 || length + group[i]!.length < WINDOW)) {
        const text = group[i]!;
        batch.push({ start: length, line });
        parts.push(text);
        length += text.length + SEPARATOR.length;
        line += newlines(text) + SEPARATOR_LINES;
        i++;
      }
      const batchStarts = batch.map((b) => b.start);
      for (const f of await scanWindow(parts.join(SEPARATOR), rules)) {
        // The text holding the finding: the last one starting at or before it.
        const lo = lastAtOrBefore(batchStarts, f.offset);
        const b = batch[lo]!;
        if (f.offset >= b.start + parts[lo]!.length) continue; // inside a separator
        const finding = { code: f.code, name: f.name, line: f.line - b.line, column: f.column, length: f.length, redacted: f.redacted };
        for (const index of copies.get(parts[lo]!)!) out[index]!.push({ ...finding });
      }
    }
  }
  return out;
}

/** The decoder for bytes that start with `head`: by BOM, by NUL pattern (UTF-16 without BOM), else UTF-8. */
export function decoderFor(head: Buffer): TextDecoder {
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le');
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be');
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return new TextDecoder('utf-8');
  const n = Math.min(head.length, 4096) & ~1;
  if (n >= 4) {
    let evenNul = 0;
    let oddNul = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenNul++;
      if (head[i + 1] === 0) oddNul++;
    }
    const pairs = n / 2;
    if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return new TextDecoder('utf-16le');
    if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return new TextDecoder('utf-16be');
  }
  return new TextDecoder('utf-8');
}

/** True for bytes that decode as UTF-8 without a BOM (what decoderFor would pick), as most pages are. */
export function isPlainUtf8(buf: Buffer): boolean {
  return !(buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) && decoderFor(buf.subarray(0, 4096)).encoding === 'utf-8';
}

/** Characters scanned at once; a file larger than this is scanned window by window. */
export const WINDOW = 1 << 20;
/** Characters a window repeats of the one before, so a match across the seam (a private key block is up to 10,000) is found. */
const OVERLAP = 16 * 1024;

/**
 * Every likely secret in a file given as a sequence of byte chunks (a Buffer cut into pieces, or a
 * read stream): memory stays at a few windows whatever the file's size.
 */
export async function scanBytes(chunks: Iterable<Buffer> | AsyncIterable<Buffer>): Promise<SecretFinding[]> {
  const found: SecretFinding[] = [];
  let decoder: TextDecoder | undefined;
  let head = Buffer.alloc(0);
  let pending = ''; // decoded text not yet fully scanned
  let seen = 0; // characters at the start of `pending` scanned already (the overlap)
  let lineBase = 0; // lines before pending[0]
  let columnBase = 0; // when pending[0] is mid-line: its column offset within that line
  let lastCR = false;

  let dropped = 0; // characters before pending[0]
  let reported = new Set<string>(); // findings of the previous window, by absolute offset (the overlap is scanned twice)

  const scan = async (final: boolean) => {
    for (;;) {
      if (pending.length - seen <= 0) break;
      if (!final && pending.length < WINDOW + seen) break;
      let cut = pending.length;
      if (pending.length > WINDOW + seen) {
        const nl = pending.lastIndexOf('\n', WINDOW + seen - 1);
        cut = nl >= seen ? nl + 1 : WINDOW + seen; // one huge line: cut inside it
      }
      const text = pending.slice(0, cut);
      const now = new Set<string>();
      for (const f of await scanWindow(text)) {
        const key = `${dropped + f.offset}:${f.code}`;
        now.add(key);
        if (reported.has(key)) continue;
        found.push({ code: f.code, name: f.name, line: lineBase + f.line, column: f.line === 1 ? columnBase + f.column : f.column, length: f.length, redacted: f.redacted });
      }
      reported = now;
      // Keep the last OVERLAP characters (from a line start when there is one) for the next window.
      let keep = Math.max(0, cut - OVERLAP);
      const nl = text.indexOf('\n', keep);
      if (nl !== -1 && nl + 1 < cut) keep = nl + 1;
      const gone = text.slice(0, keep);
      const newlines = gone.split('\n').length - 1;
      columnBase = newlines ? keep - (gone.lastIndexOf('\n') + 1) : columnBase + keep;
      lineBase += newlines;
      dropped += keep;
      pending = pending.slice(keep);
      seen = cut - keep;
    }
  };

  const push = async (text: string) => {
    // \r\n and lone \r are line ends: normalise, minding a \r\n split between two chunks.
    if (lastCR && text.startsWith('\n')) text = text.slice(1);
    lastCR = text.endsWith('\r');
    pending += text.replace(/\r\n?/g, '\n');
    await scan(false);
  };

  for await (const chunk of chunks) {
    if (!decoder) {
      head = Buffer.concat([head, chunk]);
      if (head.length < 4096) continue; // decide the encoding on a few KB
      decoder = decoderFor(head);
      await push(decoder.decode(head, { stream: true }));
      continue;
    }
    await push(decoder.decode(chunk, { stream: true }));
  }
  if (!decoder) {
    decoder = decoderFor(head);
    await push(decoder.decode(head, { stream: true }));
  }
  pending += decoder.decode().replace(/\r\n?/g, '\n');
  await scan(true);
  return found;
}

/** A Buffer as chunks of WINDOW bytes (views, no copies). */
export function* chunksOf(buf: Buffer): Iterable<Buffer> {
  for (let i = 0; i < buf.length; i += WINDOW) yield buf.subarray(i, i + WINDOW);
}
