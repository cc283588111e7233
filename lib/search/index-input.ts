/**
 * The search index's input as a few flat buffers: what the index is a function of, hashed for the
 * pieces' names before the index exists, and moved (not copied) to the worker that builds it
 * (docs/decisions.md#search-worker). Every string of every page is joined into one text (one join
 * and one encoding: per-string writes cost several times more on the main thread), with each
 * one's length in UTF-16 units, and each page's flags and list sizes in `shape`. The text is UTF-8,
 * or UTF-16 when it holds a lone surrogate (which UTF-8 cannot carry). An absent description or
 * severity is written as '' (the index treats both alike).
 */
import type { IndexPage } from './build-index.ts';

export interface EncodedInput {
  text: Buffer;
  utf16: boolean;
  lengths: Int32Array;
  shape: Int32Array;
}

/** Fields per page in `shape`: flags, then the number of alerts, services, team names, sections. */
const SHAPE = 5;

/** The pages as buffers of their own (never a slice of Node's shared pool: they are transferred). */
export function encodeInput(pages: readonly IndexPage[]): EncodedInput {
  const strings: string[] = [];
  const shape = new Int32Array(1 + pages.length * SHAPE);
  shape[0] = pages.length;
  pages.forEach((p, i) => {
    strings.push(p.url, p.title, p.description ?? '', p.crumb, p.severity ?? '', ...p.alerts, ...p.services, ...p.team);
    for (const s of p.sections) strings.push(s.anchor, s.heading, s.text, s.other);
    shape.set([(p.runbook ? 1 : 0) | (p.generated ? 2 : 0), p.alerts.length, p.services.length, p.team.length, p.sections.length], 1 + i * SHAPE);
  });
  const lengths = new Int32Array(strings.length);
  for (let i = 0; i < strings.length; i++) lengths[i] = strings[i]!.length;
  const joined = strings.join('');
  const utf16 = !(joined as string & { isWellFormed(): boolean }).isWellFormed(); // ES2024, in Node 20
  const encoded = Buffer.from(joined, utf16 ? 'utf16le' : 'utf8');
  return { text: own(encoded), utf16, lengths, shape };
}

/** The buffers to move to another thread. */
export function transferables(input: EncodedInput): ArrayBuffer[] {
  return [input.text.buffer as ArrayBuffer, input.lengths.buffer as ArrayBuffer, input.shape.buffer as ArrayBuffer];
}

/** The pages encodeInput wrote. */
export function decodeInput(input: EncodedInput): IndexPage[] {
  const text = input.text.toString(input.utf16 ? 'utf16le' : 'utf8');
  const { lengths, shape } = input;
  let s = 0;
  let at = 0;
  const str = (): string => {
    const end = at + lengths[s++]!;
    const v = text.slice(at, end);
    at = end;
    return v;
  };
  const list = (n: number): string[] => Array.from({ length: n }, str);
  const pages: IndexPage[] = new Array(shape[0]!);
  for (let i = 0; i < pages.length; i++) {
    const [flags, alerts, services, team, sections] = shape.subarray(1 + i * SHAPE, 1 + (i + 1) * SHAPE) as unknown as number[];
    pages[i] = {
      url: str(),
      title: str(),
      description: str() || undefined,
      crumb: str(),
      severity: str() || undefined,
      runbook: (flags! & 1) !== 0,
      generated: (flags! & 2) !== 0,
      alerts: list(alerts!),
      services: list(services!),
      team: list(team!),
      sections: Array.from({ length: sections! }, () => ({ anchor: str(), heading: str(), text: str(), other: str() })),
    };
  }
  return pages;
}

/** The buffer itself when it owns its memory, else a copy that does. */
function own(buf: Buffer): Buffer {
  if (buf.byteOffset === 0 && buf.buffer.byteLength === buf.length) return buf;
  const copy = Buffer.allocUnsafeSlow(buf.length);
  buf.copy(copy);
  return copy;
}
