/** Where a URL's path ends: at its first `?` or `#` (a `?` after the `#` is part of the fragment), or its length. */
export function pathEnd(url: string): number {
  const q = url.indexOf('?');
  const f = url.indexOf('#');
  return q < 0 ? (f < 0 ? url.length : f) : f < 0 || q < f ? q : f;
}
