/** Types of search-tokens.js (the tokenizer shared by the build and the browser). */
export interface QueryWord {
  /** As typed, for "not found: ..." and highlighting. */
  raw: string;
  /** Its terms: all must match. */
  terms: string[];
  /** The whole identifier joined, when it has parts. */
  joined?: string;
}
export function fold(s: string): string;
export function stem(t: string): string;
export function wordParts(raw: string): string[];
export function joins(parts: readonly string[]): string[];
export function rawWords(text: string): string[];
export function indexTerms(text: string, out?: string[]): string[];
export function queryWords(query: string): QueryWord[];
export function titleKey(text: string): string;
export function wordSpans(text: string): { start: number; end: number; parts: string[] }[];
export function bucketOf(term: string, buckets: number): number;
export function cardPieceOf(term: string, pieces: number): number;
