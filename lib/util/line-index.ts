/**
 * Offsets in a text as lines and columns, by binary search over the line starts, so a page with
 * many findings is located in linear time instead of rescanning the text for each one.
 */

/** The offset where each line of `text` starts (`[0, ...]`). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Index of the last entry of an ascending list that is at or before `value` (0 when none is). */
export function lastAtOrBefore(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** 1-based line and column of `offset`, given the text's `lineStarts`. */
export function positionAt(starts: readonly number[], offset: number): { line: number; column: number } {
  const line = lastAtOrBefore(starts, offset);
  return { line: line + 1, column: offset - starts[line]! + 1 };
}
