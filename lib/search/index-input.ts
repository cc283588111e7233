/**
 * The search index's input as a few flat buffers: what the index is a function of, hashed for the
 * pieces' names before the index exists, and moved (not copied) to the worker that builds it
 * (docs/decisions.md#search-worker). The strings of every page are joined into a few texts of up
 * to TEXT_CHARS (a join and an encoding each: per-string writes cost several times more on the
 * main thread, and one text for a very large site would pass V8's longest string), with each
 * string's length in UTF-16 units, and each page's flags and list sizes in `shape`. A text is
 * UTF-8, or UTF-16 when it holds a lone surrogate (which UTF-8 cannot carry). An absent description
 * or severity is written as '' (the index treats both alike).
 */
import type { IndexPage } from './build-index.ts';

export interface EncodedInput {
  /** The texts, each with how many strings it holds. */
  texts: { bytes: Uint8Array; utf16: boolean; strings: number }[];
  lengths: Int32Array;
  shape: Int32Array;
}

/** Fields per page in `shape`: flags, then the number of alerts, services, team names, sections. */
const SHAPE = 5;
/** UTF-16 units a text holds at most (V8's longest string is 2^29 - 24). */
const TEXT_CHARS = 1 << 26;

/** The pages as buffers of their own (never a slice of Node's shared pool: they are transferred). */
export function encodeInput(pages: readonly IndexPage[], textChars = TEXT_CHARS): EncodedInput {
  const strings: string[] = [];
  const shape = new Int32Array(1 + pages.length * SHAPE);
  shape[0] = pages.length;
  pages.forEach((p, i) => {
    strings.push(p.url, p.title, p.description ?? '', p.crumb, p.severity ?? '', ...p.alerts, ...p.services, ...p.team);
    for (const s of p.sections) strings.push(s.anchor, s.heading, s.text, s.other);
    shape.set([(p.runbook ? 1 : 0) | (p.generated ? 2 : 0), p.alerts.length, p.services.length, p.team.length, p.sections.length], 1 + i * SHAPE);
  });
  const lengths = new Int32Array(strings.length);
  const texts: EncodedInput['texts'] = [];
  let from = 0;
  let chars = 0;
  const cut = (to: number): void => {
    const joined = strings.slice(from, to).join('');
    const utf16 = !(joined as string & { isWellFormed(): boolean }).isWellFormed(); // ES2024, in Node 20
    texts.push({ bytes: own(Buffer.from(joined, utf16 ? 'utf16le' : 'utf8')), utf16, strings: to - from });
    from = to;
    chars = 0;
  };
  for (let i = 0; i < strings.length; i++) {
    const n = strings[i]!.length;
    if (chars + n > textChars && i > from) cut(i);
    lengths[i] = n;
    chars += n;
  }
  cut(strings.length);
  return { texts, lengths, shape };
}

/** The buffers to move to another thread. */
export function transferables(input: EncodedInput): ArrayBuffer[] {
  return [...input.texts.map((t) => t.bytes.buffer as ArrayBuffer), input.lengths.buffer as ArrayBuffer, input.shape.buffer as ArrayBuffer];
}

/** The pages encodeInput wrote. */
export function decodeInput(input: EncodedInput): IndexPage[] {
  const { lengths, shape } = input;
  let s = 0;
  let at = 0;
  let part = -1;
  let text = '';
  let partEnd = 0;
  const str = (): string => {
    while (s >= partEnd) {
      const t = input.texts[++part]!;
      text = Buffer.from(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength).toString(t.utf16 ? 'utf16le' : 'utf8');
      partEnd += t.strings;
      at = 0;
    }
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
