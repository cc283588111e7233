/**
 * The team's alert definitions, read with real parsers, each alert with the line that defines it:
 * - Prometheus rule files (`groups[].rules[]` with `alert:` and `annotations.runbook_url`), with the
 *   `yaml` library, whose nodes carry source offsets (js-yaml's loaded objects do not);
 * - Datadog monitors in Terraform (`resource "datadog_monitor"` with `name` and `message`), with
 *   HashiCorp's HCL parser compiled to WebAssembly (`@cdktf/hcl2json`). It returns JSON without
 *   positions, so each monitor's lines are found by a bounded search: the resource's header line
 *   (`resource "datadog_monitor" "<label>"`, the label known from the parse), and from there up to
 *   the next top-level block, the first `name =` line and the line holding the runbook URL.
 *   Decision: docs/decisions.md, "Alert links (issue 15)".
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Pair } from 'yaml';

export interface AlertRule {
  alert: string;
  /** Line of the alert's name. */
  line: number;
  /**
   * The runbook URL candidates with their lines: the Prometheus `runbook_url` annotation, or every
   * URL of a Datadog message (the one into this site is the runbook: decided by the check).
   */
  urls: { url: string; line: number }[];
  /** Prometheus: the annotation is the runbook link even when it points elsewhere. */
  annotated: boolean;
}

export interface RuleFile {
  rules: AlertRule[];
  /** A file the parser rejected: where and why. */
  error?: { line: number; column: number; message: string };
}

export function parsePrometheusRules(text: string): RuleFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    return { rules: [], error: { line: e.linePos?.[0].line ?? 1, column: e.linePos?.[0].col ?? 1, message: e.message.split('\n')[0]! } };
  }
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : counter.linePos(offset).line);
  const pair = (map: unknown, key: string): Pair | undefined => (isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined);
  const rules: AlertRule[] = [];
  const groups = pair(doc.contents, 'groups')?.value;
  if (!isSeq(groups)) return { rules };
  for (const group of groups.items) {
    const list = pair(group, 'rules')?.value;
    if (!isSeq(list)) continue;
    for (const rule of list.items) {
      const alert = pair(rule, 'alert');
      if (!alert || !isScalar(alert.value)) continue; // a recording rule
      const line = lineOf((alert.key as { range?: [number] }).range?.[0]);
      const url = pair(pair(rule, 'annotations')?.value, 'runbook_url');
      const urlValue = url && isScalar(url.value) ? String(url.value.value) : undefined;
      const urls = urlValue ? [{ url: urlValue, line: lineOf((url!.value as { range?: [number] }).range?.[0]) }] : [];
      rules.push({ alert: String(alert.value.value), line, urls, annotated: true });
    }
  }
  return { rules };
}

const URL_IN_TEXT = /https?:\/\/[^\s"'<>()]+/g;

export async function parseDatadogTerraform(text: string, file: string): Promise<RuleFile> {
  let json: { resource?: { datadog_monitor?: Record<string, { name?: unknown; message?: unknown }[]> } };
  try {
    // Loaded here: it is a large WebAssembly module most sites (no Terraform rules) never need.
    const { parse: parseHcl } = await import('@cdktf/hcl2json');
    json = (await parseHcl(file, text)) as typeof json;
  } catch (err) {
    // hcl2json's messages carry HCL's own position: "<file>:12,3-4: Summary; detail".
    const m = /:(\d+),(\d+)(?:-\d+)?: ([^\]]+)/.exec((err as Error).message);
    return { rules: [], error: { line: m ? Number(m[1]) : 1, column: m ? Number(m[2]) : 1, message: m ? m[3]!.trim() : (err as Error).message } };
  }
  const lines = text.split('\n');
  const rules: AlertRule[] = [];
  for (const [label, blocks] of Object.entries(json.resource?.datadog_monitor ?? {})) {
    for (const block of blocks) {
      if (typeof block.name !== 'string') continue; // a computed name: nothing to check against
      const span = resourceSpan(lines, label);
      const line = findLine(lines, span, /^\s*name\s*=/) ?? span.start;
      const message = typeof block.message === 'string' ? block.message : '';
      const urls = [...message.matchAll(URL_IN_TEXT)].map((m) => m[0].replace(/[.,;:]+$/, ''));
      const lineOfUrl = (u: string) => findLine(lines, span, (l) => l.includes(u)) ?? line;
      rules.push({ alert: block.name, line, urls: urls.map((u) => ({ url: u, line: lineOfUrl(u) })), annotated: false });
    }
  }
  return { rules };
}

/** Lines (1-based, inclusive start, exclusive end) of a datadog_monitor resource block with this label. */
function resourceSpan(lines: string[], label: string): { start: number; end: number } {
  const header = new RegExp(`^\\s*resource\\s+"datadog_monitor"\\s+"${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`);
  const start = lines.findIndex((l) => header.test(l));
  if (start === -1) return { start: 1, end: lines.length + 1 };
  let end = lines.findIndex((l, i) => i > start && /^(resource|data|module|variable|locals|output|provider|terraform)\b/.test(l));
  if (end === -1) end = lines.length;
  return { start: start + 1, end: end + 1 };
}

function findLine(lines: string[], span: { start: number; end: number }, test: RegExp | ((l: string) => boolean)): number | undefined {
  for (let i = span.start - 1; i < span.end - 1 && i < lines.length; i++) {
    if (typeof test === 'function' ? test(lines[i]!) : test.test(lines[i]!)) return i + 1;
  }
  return undefined;
}
