/** Published file names that change with their content, so a server can cache them forever. */
import crypto from 'node:crypto';
import path from 'node:path';

/** Asset name (as under assets/) -> its published URL. */
export type AssetMap = Record<string, string>;

export function fingerprint(name: string, contents: Buffer): string {
  const hash = crypto.createHash('sha256').update(contents).digest('hex').slice(0, 10);
  const ext = path.posix.extname(name);
  return `${name.slice(0, name.length - ext.length)}.${hash}${ext}`;
}
