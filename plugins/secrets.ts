/**
 * Secrets stage (first, on the raw files): content that looks like a live credential fails the
 * build with its file and line, and the message never prints the secret in full. Runbooks are
 * full of commands, and a pasted command is how a key ends up on an internal site and in git.
 *
 * Passes: documented placeholder values (AWS's `AKIAIOSFODNN7EXAMPLE` and its example secret key,
 * anything containing EXAMPLE), obvious placeholders in URLs (`user:PASSWORD@`, `$VAR`, `<pass>`),
 * and any line carrying the marker `secret-scan: allow` (for a deliberate, reviewed exception).
 */
import path from 'node:path';
import type Metalsmith from 'metalsmith';
import type { BuildContext } from '../lib/context.ts';
import { loadPartials } from '../lib/partial-sources.ts';

export interface SecretRule {
  id: string;
  /** Cheap substring test (case-insensitive) that every match contains: skips the regex on most pages. */
  needle?: string;
  /** What it is, in words: "an AWS access key id". */
  name: string;
  pattern: RegExp;
  /** Index of the capture group holding the secret itself (0 = whole match). */
  group?: number;
}

export const ALLOW_MARKER = 'secret-scan: allow';

export const rules: readonly SecretRule[] = [
  { id: 'aws-access-key-id', name: 'an AWS access key id', pattern: /\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b/g, group: 1 },
  {
    id: 'aws-secret-access-key',
    needle: 'secret',
    name: 'an AWS secret access key',
    pattern: /(?:aws_?secret_?access_?key|aws_?secret|secret_?access_?key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 1,
  },
  { id: 'private-key', needle: 'private key', name: 'a private key', pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----/g },
  { id: 'github-token', name: 'a GitHub token', pattern: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b/g, group: 1 },
  { id: 'slack-token', needle: 'xox', name: 'a Slack token', pattern: /\b(xox[abposr]-[A-Za-z0-9-]{10,})/g, group: 1 },
  { id: 'slack-webhook', needle: 'hooks.slack.com', name: 'a Slack webhook URL', pattern: /(https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,})/g, group: 1 },
  {
    id: 'datadog-key',
    needle: 'key',
    name: 'a Datadog API or application key',
    pattern: /(?:dd|datadog)[_-]?(?:api|app|application)[_-]?key["']?\s*[:=]\s*["']?([a-f0-9]{40}|[a-f0-9]{32})(?![a-f0-9])/gi,
    group: 1,
  },
  { id: 'url-password', needle: '://', name: 'a password in a URL', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@'"]+:([^/\s@'"]+)@/gi, group: 1 },
];

const PLACEHOLDER = /EXAMPLE|^(?:\$\{?[A-Z_]+\}?|<[^>]+>|\*+|x+|\.\.\.|password|pass|secret|changeme|your[-_]?password|PASSWORD|\{\{[^}]*\}\})$/i;

export interface Finding {
  rule: SecretRule;
  line: number;
  column: number;
  redacted: string;
}

/** Shows enough of a secret to find it, never all of it. */
export function redact(secret: string): string {
  const keep = secret.length > 12 ? 4 : 1;
  return `${secret.slice(0, keep)}${'*'.repeat(Math.min(8, secret.length - keep))} (${secret.length} characters)`;
}

/** Every likely secret in a text, with 1-based lines and columns. */
export function findSecrets(text: string): Finding[] {
  // One pass over the whole text per rule; only rules that match anywhere are run line by line
  // (almost every page has no secret, so this is the whole cost of the stage).
  const lower = text.toLowerCase();
  const candidates = rules.filter((rule) => {
    if (rule.needle && !lower.includes(rule.needle)) return false;
    rule.pattern.lastIndex = 0;
    return rule.pattern.test(text);
  });
  if (!candidates.length) return [];
  const findings: Finding[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.includes(ALLOW_MARKER)) return;
    for (const rule of candidates) {
      rule.pattern.lastIndex = 0;
      for (const m of line.matchAll(rule.pattern)) {
        const secret = m[rule.group ?? 0] ?? m[0];
        if (PLACEHOLDER.test(secret)) continue;
        findings.push({ rule, line: i + 1, column: (m.index ?? 0) + m[0].indexOf(secret) + 1, redacted: redact(secret) });
      }
    }
  });
  return findings;
}

const HINT = `Remove it and use a placeholder (e.g. AKIAIOSFODNN7EXAMPLE, $DD_API_KEY, <password>). If it was ever real, rotate it now: it is in git history. For a reviewed false alarm, add "${ALLOW_MARKER}" in a comment on that line.`;

export default function secrets(ctx: BuildContext): Metalsmith.Plugin {
  return function secrets(files, metalsmith) {
    const debug = metalsmith.debug('runbook-smith:secrets');
    let scanned = 0;
    for (const [name, file] of Object.entries(files)) {
      const buf = file.contents as Buffer;
      if (buf.length > 20_000_000 || buf.includes(0)) continue; // binary files are not text to scan
      scanned++;
      const source = name.split(path.sep).join('/');
      for (const f of findSecrets(buf.toString('utf8').replace(/\r\n?/g, '\n'))) {
        ctx.diagnostics.report(source, { code: `secret/${f.rule.id}`, line: f.line, column: f.column, message: `this looks like ${f.rule.name}: ${f.redacted}`, hint: HINT });
      }
    }
    for (const p of loadPartials(ctx)) {
      scanned++;
      for (const f of findSecrets(p.text)) {
        ctx.diagnostics.reportFile(p.file, { code: `secret/${f.rule.id}`, line: f.line, column: f.column, message: `this looks like ${f.rule.name}: ${f.redacted}`, hint: HINT });
      }
    }
    debug('scanned %d files', scanned);
  };
}
