/**
 * Fenced code blocks found line by line, for the line walks that must leave code alone
 * (admonitions, other tools' syntax). CommonMark's rule: a block opens with three or more backticks
 * or tildes (up to three spaces in) and closes on a line of the same character, at least as long.
 */
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w-]*)/;

export class FenceScan {
  #open: string | undefined;
  /** The info word of the block opened last (`mermaid`, `shell`, '' when none). */
  language = '';

  /** What the next line is: `open` (opens a block), `code` (inside one, or its closing fence) or `text`. */
  step(line: string): 'open' | 'code' | 'text' {
    const f = FENCE.exec(line);
    if (this.#open) {
      if (f && f[1]![0] === this.#open[0] && f[1]!.length >= this.#open.length && line.trim() === f[1]) this.#open = undefined;
      return 'code';
    }
    if (!f) return 'text';
    this.#open = f[1];
    this.language = f[2] ?? '';
    return 'open';
  }
}
