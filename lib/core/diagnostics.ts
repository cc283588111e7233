/**
 * Problems found by the build, shaped for the people who fix them: a file, a line, what is wrong
 * in plain words, and a hint on how to fix it. Every stage reports here instead of throwing on the
 * first mistake, so one build lists every problem at once.
 */
import path from 'node:path';
import { RunbookSmithError } from './errors.ts';

export type Severity = 'error' | 'warning';

export interface ProblemInit {
  /** Path of the file as the editor knows it, relative to the project (e.g. `src/queues/backlog.md`). */
  file: string;
  /** 1-based line of the file as shown in an editor, front matter included. */
  line?: number;
  column?: number;
  message: string;
  hint?: string;
  severity?: Severity;
  /** Stable identifier of the kind of problem (e.g. `frontmatter/yaml`), for tests and filtering. */
  code: string;
  cause?: unknown;
}

/** One problem. An Error subclass so it can also be thrown, with the underlying error as `cause`. */
export class Problem extends RunbookSmithError {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly hint: string | undefined;
  readonly severity: Severity;
  readonly code: string;

  constructor(init: ProblemInit) {
    // No stack trace: a problem is about the content, never about where the build noticed it, and
    // capturing one was most of the cost of reporting many problems (docs/decisions.md#problem-cost).
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    Error.stackTraceLimit = limit;
    this.name = 'Problem';
    this.file = init.file;
    this.line = init.line ?? 1;
    this.column = init.column ?? 1;
    this.hint = init.hint;
    this.severity = init.severity ?? 'error';
    this.code = init.code;
  }

  /**
   * `src/a.md:3:1  message` then an indented hint line. Messages quote what people typed (a field
   * name, a value, a file name); it is printed with its line breaks and control characters made
   * visible (printable()), so nothing typed can start a line of its own: not a fake problem line,
   * and not a GitHub Actions workflow command (`::error ...`) in a CI log.
   */
  format(): string {
    const head = `${printable(this.file)}:${this.line}:${this.column}  ${printable(this.message)}`;
    return this.hint ? `${head}\n    hint: ${printable(this.hint)}` : head;
  }

  /**
   * A GitHub Actions workflow command, so the problem shows on the pull request's diff. Escaped as
   * the runner's own toolkit escapes them (@actions/core command.ts): `%`, CR and LF in the text,
   * and also `:` and `,` in the properties (a file name with a comma would otherwise cut `file=`).
   */
  annotation(): string {
    const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
    const props = `file=${prop(this.file)},line=${this.line},col=${this.column},title=${prop(this.code)}`;
    const text = this.hint ? `${this.message} (hint: ${this.hint})` : this.message;
    return `::${this.severity === 'error' ? 'error' : 'warning'} ${props}::${data(text)}`;
  }
}

/**
 * Text from content made safe to print on one line of a terminal or CI log: line breaks and other
 * control characters (ANSI escapes included) are shown as escapes (`\n`, `\x1b`), and a
 * line separator as `\u2028`, so the text stays on the line it was printed on.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** Thrown once at the end of a build that found errors; carries every problem. */
export class BuildFailed extends RunbookSmithError {
  readonly problems: readonly Problem[];
  /** A line to print after the problems (the alert rules check's "N of M alerts have a runbook"). */
  summary?: string;
  constructor(problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error').length;
    super(`The build found ${errors} ${errors === 1 ? 'problem' : 'problems'}; nothing was published.\n${problems.map((p) => p.format()).join('\n')}`);
    this.name = 'BuildFailed';
    this.problems = problems;
  }
}

/** Collects problems during one build. One instance per build: never shared between builds. */
export class Diagnostics {
  private readonly list: Problem[] = [];
  /** Files (source paths relative to the source dir) that have an error: later stages skip them. */
  readonly broken = new Set<string>();

  /** Paths in messages are relative to the project root: what the repository and the editor show. */
  constructor(private readonly projectRoot: string, private readonly sourceDir: string) {}

  /** The path shown to people: relative to the project root, with forward slashes. */
  displayPath(sourceRelative: string): string {
    const abs = path.resolve(this.sourceDir, sourceRelative);
    return path.relative(this.projectRoot, abs).split(path.sep).join('/');
  }

  /** Report a problem about a file of the source tree (path relative to the source directory). */
  report(sourceRelative: string, init: Omit<ProblemInit, 'file'>): Problem {
    const problem = new Problem({ ...init, file: this.displayPath(sourceRelative) });
    this.list.push(problem);
    if (problem.severity === 'error') this.broken.add(sourceRelative);
    return problem;
  }

  /** Report a problem about a file outside the source tree (a partial, a layout, site.yml). */
  reportFile(file: string, init: Omit<ProblemInit, 'file'>): Problem {
    const rel = path.isAbsolute(file) ? path.relative(this.projectRoot, file) : file;
    const problem = new Problem({ ...init, file: rel.split(path.sep).join('/') });
    this.list.push(problem);
    return problem;
  }

  get problems(): readonly Problem[] {
    return [...this.list].sort(compareProblems);
  }

  get errors(): readonly Problem[] {
    return this.problems.filter((p) => p.severity === 'error');
  }

  get warnings(): readonly Problem[] {
    return this.problems.filter((p) => p.severity === 'warning');
  }

  /** Throws BuildFailed if any error was reported. Called where a half-built site must not go on. */
  throwIfErrors(): void {
    if (this.errors.length) throw new BuildFailed(this.problems);
  }
}

function compareProblems(a: Problem, b: Problem): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** The report printed at the end of a build: every problem, then one count line. */
export function formatReport(problems: readonly Problem[], opts: { annotations?: boolean } = {}): string {
  const lines: string[] = [];
  for (const p of problems) {
    lines.push(p.format());
    if (opts.annotations) lines.push(p.annotation());
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push('');
  lines.push(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}.`);
  return lines.join('\n');
}

/** Line (1-based) and column of a character offset in a text. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}
