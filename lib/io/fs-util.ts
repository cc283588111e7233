/** Small file-system and process helpers shared by the release writer and the deploy commands. */
import * as fs from 'node:fs/promises';

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** The `code` of a Node error (`ENOENT`, `EEXIST`...), or undefined for anything else. */
export function errCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** Whether a process (a lock's or a partial release's owner) still runs: EPERM means it does, under another user. */
export function isAlive(pid: number): boolean {
  // kill(0) would signal our own process group, and a NaN pid throws: neither names an owner.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errCode(error) === 'EPERM';
  }
}
