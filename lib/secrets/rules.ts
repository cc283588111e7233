/**
 * The project's own secret rules, in secretlint's rule format (a SecretLintRuleCreator run by
 * @secretlint/core next to @secretlint/secretlint-rule-preset-recommend). Only formats the preset
 * misses are here: the ruleset comparison in docs/decisions.md ("Secrets: ruleset") lists which,
 * measured on test/helpers/credentials.ts. Several exist in secretlint 13 (GitLab, Stripe, Vault),
 * which needs Node 22; when Node 22 is the floor, upgrade and drop those here.
 */
import type { SecretLintRuleCreator, SecretLintSourceCode } from '@secretlint/types';

export interface ProjectRule {
  /** secretlint messageId: also the last part of the problem code (`secret/<id>`). */
  id: string;
  /** What it is, in words: "a Google API key". */
  name: string;
  pattern: RegExp;
  /** Capture group holding the secret itself (the part checked against placeholders and redacted). */
  group: number;
  /** Extra test on the secret: false drops the match (e.g. prose words after `password:`). */
  accept?: (secret: string) => boolean;
  /** Strings of which every match contains one: a text without any skips the regex (lib/secrets/triggers.ts). */
  needles: Needles;
}

export interface Needles {
  /** Found case-sensitively. */
  exact?: readonly string[];
  /** Lower case, found in the lower-cased text (the regex has the `i` flag). */
  lower?: readonly string[];
}

/** Shannon entropy in bits per character: random keys are above ~3.5, words and ids below. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / s.length) * Math.log2(n / s.length);
  return bits;
}

/** A value after `password:` is a password unless it is plain words (`required`, `see below`) or a path (`/run/secrets/db`). */
const notAWord = (s: string) => !/^[A-Za-z]+(?:[ _-][A-Za-z]+)*$/.test(s) && !/^[~.]?\//.test(s);
const randomLooking = (s: string) => /[0-9]/.test(s) && /[A-Za-z]/.test(s) && entropy(s) >= 3.5;

// A value: quoted (spaces allowed), or bare up to whitespace or a separator.
const VALUE = String.raw`(?:"([^"\n]{4,})"|'([^'\n]{4,})'|([^\s"'\x60,;|]{4,}))`;
const ASSIGN = String.raw`["']?[ \t]*(?::=|=>|=|:)[ \t]*`;

export const projectRules: readonly ProjectRule[] = [
  { id: 'gitlab-token', needles: { exact: ['glpat-', 'glptt-', 'gldt-', 'glrt-', 'glsoat-', 'glffct-', 'glcbt-', 'glimt-', 'glagent-'] }, name: 'a GitLab token', pattern: /\b(gl(?:pat|ptt|dt|rt|soat|ffct|cbt|imt|agent)-[A-Za-z0-9_-]{20,})/g, group: 1 },
  { id: 'stripe-live-key', needles: { exact: ['_live_'] }, name: 'a Stripe live key', pattern: /\b((?:sk|rk)_live_[A-Za-z0-9]{20,})/g, group: 1 },
  { id: 'vault-token', needles: { exact: ['hvs.', 'hvb.', 'hvr.'] }, name: 'a HashiCorp Vault token', pattern: /\b(hv[sbr]\.[A-Za-z0-9_-]{24,})/g, group: 1 },
  { id: 'google-api-key', needles: { exact: ['AIza'] }, name: 'a Google API key', pattern: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g, group: 1 },
  { id: 'azure-storage-key', needles: { lower: ['accountkey='] }, name: 'an Azure storage account key', pattern: /\bAccountKey=([A-Za-z0-9+/]{86}==)/gi, group: 1 },
  { id: 'azure-sas-signature', needles: { lower: ['sig='] }, name: 'an Azure SAS signature', pattern: /[?&]sig=([A-Za-z0-9+/%]{40,})/gi, group: 1 },
  { id: 'azure-client-secret', needles: { exact: ['Q~'] }, name: 'an Azure AD client secret', pattern: /(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/g, group: 1 },
  { id: 'jwt', needles: { exact: ['eyJ'] }, name: 'a JSON Web Token', pattern: /\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,})/g, group: 1 },
  // The preset's private-key rule wants a DER body starting "MI": it misses EC P-256 keys ("MHc...")
  // and armored PGP keys ("lQ..."). Any block with a body of 64+ base64 characters is a key.
  {
    id: 'pem-private-key', needles: { exact: ['PRIVATE KEY'] },
    name: 'a private key',
    pattern: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----(?:\r?\n|\\n)(?:[\w-]+: [^\n]*\n)*\s*[A-Za-z0-9+/=\s\\]{64,}?-----END \1-----/g,
    group: 0,
  },
  { id: 'twilio-api-key', needles: { exact: ['SK'] }, name: 'a Twilio API key', pattern: /\b(SK[0-9a-f]{32})\b/g, group: 1 },
  {
    id: 'datadog-key', needles: { lower: ['apikey', 'api_key', 'api-key', 'appkey', 'app_key', 'app-key', 'applicationkey', 'application_key', 'application-key'] },
    name: 'a Datadog API or application key',
    pattern: /(?:dd|datadog)[_-]?(?:api|app|application)[_-]?key["']?\s*[:=]\s*["']?([a-f0-9]{40}|[a-f0-9]{32})(?![a-f0-9])/gi,
    group: 1,
  },
  {
    id: 'password-assignment', needles: { lower: ['password', 'passwd', 'passphrase', 'pwd'] },
    name: 'a password',
    pattern: new RegExp(String.raw`(?:password|passwd|passphrase|pwd)${ASSIGN}${VALUE}`, 'gi'),
    group: -1, // whichever of the three value groups matched
    accept: notAWord,
  },
  {
    id: 'secret-assignment', needles: { lower: ['secret', 'token', 'apikey', 'api_key', 'api-key', 'accesskey', 'access_key', 'access-key', 'privatekey', 'private_key', 'private-key', 'credential'] },
    name: 'a secret or token',
    pattern: new RegExp(String.raw`(?:secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)${ASSIGN}${VALUE}`, 'gi'),
    group: -1,
    accept: randomLooking,
  },
  { id: 'basic-auth-header', needles: { lower: ['authorization'] }, name: 'a Basic authorization header', pattern: /\bAuthorization:[ \t]*Basic[ \t]+([A-Za-z0-9+/]{8,}={0,2})/gi, group: 1 },
  { id: 'bearer-token', needles: { lower: ['authorization'] }, name: 'a bearer token', pattern: /\bAuthorization:[ \t]*Bearer[ \t]+([A-Za-z0-9._~+/-]{16,}=*)/gi, group: 1, accept: randomLooking },
  { id: 'docker-auth', needles: { exact: ['"auth"'] }, name: 'a Docker registry password', pattern: /"auth"\s*:\s*"([A-Za-z0-9+/]{12,}={0,2})"/g, group: 1 },
  { id: 'url-password', needles: { exact: ['://'] }, name: 'a password in a URL', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@'"]+:([^/\s@'"]+)@/gi, group: 1 },
];

const byId: ReadonlyMap<string, (typeof projectRules)[number]> = new Map(projectRules.map((r) => [r.id, r]));
export const projectRuleName = (id: string) => byId.get(id)?.name;

export const PROJECT_RULE_ID = 'runbook-smith/secret-rules';

/** The span of the secret in a match: the rule's group, or the first value group that matched. */
function secretSpan(rule: ProjectRule, m: RegExpMatchArray): [start: number, text: string] | undefined {
  const index = m.index ?? 0;
  let value: string | undefined;
  if (rule.group >= 0) value = m[rule.group];
  else value = m.slice(1).reverse().find((v) => v !== undefined);
  if (value === undefined) return undefined;
  // The value is the last thing matched (quotes aside), so search from the end of the match.
  const at = m[0].lastIndexOf(value);
  return [index + at, value];
}

const messages = Object.fromEntries(projectRules.map((r) => [r.id, { en: () => `found ${r.name}` }]));

/**
 * The project's rules as one secretlint rule. `only`: just these rule ids, those whose needles the
 * scanned text holds (lib/secrets/triggers.ts); without it, every rule on every text.
 */
export function projectRulesCreator(only?: ReadonlySet<string>): SecretLintRuleCreator {
  const rules = only ? projectRules.filter((r) => only.has(r.id)) : projectRules;
  return {
    messages,
    meta: { id: PROJECT_RULE_ID, type: 'scanner', recommended: true, supportedContentTypes: ['text'] },
    create(context) {
      const t = context.createTranslator(messages);
      return {
        file(source: SecretLintSourceCode) {
          for (const rule of rules) {
            for (const m of source.content.matchAll(rule.pattern)) {
              const span = secretSpan(rule, m);
              if (!span) continue;
              if (rule.accept && !rule.accept(span[1])) continue;
              context.report({ message: t(rule.id), range: [span[0], span[0] + span[1].length] });
            }
          }
        },
      };
    },
  };
}
