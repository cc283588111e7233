/**
 * What `git diff --name-status -z -M <base> <head>` says changed, as data. `-z` because file names
 * may hold spaces, quotes or non-ASCII letters, which the line format would quote and escape.
 */

export type FileChange =
  | { status: 'added' | 'modified' | 'deleted'; path: string }
  | { status: 'renamed'; path: string; from: string };

/**
 * Parses NUL-separated `--name-status -z` output: `M\0path\0`, `R087\0old\0new\0`. Copies count as
 * additions (the original stays), type changes as modifications.
 */
export function parseNameStatus(output: string): FileChange[] {
  const fields = output.split('\0');
  if (fields.at(-1) === '') fields.pop();
  const out: FileChange[] = [];
  for (let i = 0; i < fields.length; ) {
    const code = fields[i++]!;
    const kind = code[0];
    if (kind === 'R' || kind === 'C') {
      const from = fields[i++];
      const to = fields[i++];
      if (from === undefined || to === undefined) throw new Error(`git diff output ends inside a ${code} entry`);
      out.push(kind === 'R' ? { status: 'renamed', path: to, from } : { status: 'added', path: to });
      continue;
    }
    const path = fields[i++];
    if (path === undefined) throw new Error(`git diff output ends after the status ${code}`);
    if (kind === 'A') out.push({ status: 'added', path });
    else if (kind === 'D') out.push({ status: 'deleted', path });
    else if (kind === 'M' || kind === 'T') out.push({ status: 'modified', path });
    else throw new Error(`unknown git diff status "${code}" for ${path}`);
  }
  return out;
}
