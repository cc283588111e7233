/**
 * The "pseudo-alphabetical" order of pages, as Segment's docs sorter did it: first the pages a
 * section lists explicitly, then every other page by title, case-insensitive, accents folded,
 * numbers compared as numbers ("Step 2" before "Step 10"), ties broken by path.
 *
 * Deliberately not Intl.Collator: its order depends on the ICU data of the Node build, and the
 * brief is "the same on every machine". This key depends only on Unicode normalization.
 */

export interface Sortable {
  /** Source path, e.g. `queues/backlog.md`: the tie-breaker, and what explicit lists name. */
  path: string;
  title: string;
  /** Position from a numeric `order:` in the page's own front matter, if any. */
  order?: number;
}

type Chunk = string | bigint;

/** Splits a title into text and number chunks after folding case and accents. */
export function sortKey(title: string): Chunk[] {
  const folded = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .trim();
  const chunks: Chunk[] = [];
  for (const m of folded.matchAll(/(\d+)|(\D+)/g)) {
    chunks.push(m[1] !== undefined ? BigInt(m[1]) : m[2]!);
  }
  return chunks;
}

function compareChunks(a: Chunk[], b: Chunk[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (typeof x === typeof y) {
      if (x < y) return -1;
      if (x > y) return 1;
    } else {
      // A number sorts before text at the same position ("2 nodes" before "a node").
      return typeof x === 'bigint' ? -1 : 1;
    }
  }
  return a.length - b.length;
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Builds the comparator for one section. `explicit` is the section's list of page names (file
 * names without extension, or with), in the order they must come first.
 */
export function pseudoAlphabetical<T>(explicit: readonly string[] = [], view: (item: T) => Sortable = (x) => x as Sortable): (a: T, b: T) => number {
  const rank = new Map<string, number>();
  explicit.forEach((name, i) => {
    const key = name.replace(/\.(md|markdown)$/i, '');
    if (!rank.has(key)) rank.set(key, i);
  });
  // Each item's rank, order and sort key are worked out once, on first sight, not in every
  // comparison, because a sort makes ~14 comparisons per item (docs/decisions.md#sort-prepared).
  const prepared = new Map<T, Prepared>();
  const prepare = (x: T): Prepared => {
    let p = prepared.get(x);
    if (!p) {
      const item = view(x);
      p = { path: item.path, order: item.order, rank: rank.get(baseName(item.path)), key: sortKey(item.title) };
      prepared.set(x, p);
    }
    return p;
  };

  return function compare(x: T, y: T): number {
    const a = prepare(x);
    const b = prepare(y);
    if (a.rank !== undefined || b.rank !== undefined) {
      if (a.rank === undefined) return 1;
      if (b.rank === undefined) return -1;
      if (a.rank !== b.rank) return a.rank - b.rank;
    }
    if (a.order !== undefined || b.order !== undefined) {
      if (a.order === undefined) return 1;
      if (b.order === undefined) return -1;
      if (a.order !== b.order) return a.order - b.order;
    }
    return compareChunks(a.key, b.key) || compareCodePoints(a.path, b.path);
  };
}

interface Prepared {
  path: string;
  order: number | undefined;
  rank: number | undefined;
  key: Chunk[];
}

/** `queues/backlog.md` -> `backlog`; `queues/nsqd/index.md` -> `nsqd` (a subsection by its folder). */
export function baseName(sourcePath: string): string {
  const parts = sourcePath.split('/');
  const last = parts[parts.length - 1]!.replace(/\.(md|markdown|html)$/i, '');
  // A folder's page (index.md, Hugo's _index.md, GitHub's README.md) is named by its folder.
  if (/^(index|_index|readme)$/i.test(last) && parts.length > 1) return parts[parts.length - 2]!;
  return last;
}
