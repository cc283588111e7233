/** Positions in Handlebars' errors, which come in several shapes depending on where they were raised. */
import { HelperUsageError } from './helper-types.ts';

/** Where Handlebars says an error is: line and column within the text it was given. */
export function handlebarsErrorPosition(err: unknown): { line: number; column: number; summary: string } {
  const e = err as { message?: string; lineNumber?: number; column?: number; loc?: hbs.AST.SourceLocation };
  const message = String(e.message ?? err);
  if (err instanceof HelperUsageError && err.loc) {
    return { line: err.loc.start.line, column: err.loc.start.column + 1, summary: err.message };
  }
  const parse = /^Parse error on line (\d+):\n([\s\S]*?)\n(-*)\^\n(.*)$/m.exec(message);
  if (parse) {
    return { line: Number(parse[1]), column: 1, summary: parse[4]!.trim() };
  }
  const at = / - (\d+):(\d+)$/.exec(message);
  if (at) return { line: Number(at[1]), column: Number(at[2]) + 1, summary: message.replace(/ - \d+:\d+$/, '') };
  if (typeof e.lineNumber === 'number') return { line: e.lineNumber, column: (e.column ?? 0) + 1, summary: message };
  return { line: 1, column: 1, summary: message };
}
