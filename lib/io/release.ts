/**
 * Release-directory helpers shared by the build (`build` -> fresh release dir)
 * and by `scripts/deploy.ts` (`<target>/current` -> `<target>/releases/<id>`).
 *
 * Only `node:` built-ins and lib/io/fs-util.ts, so the core build can import it without pulling
 * anything else in.
 */
import { randomBytes } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { errCode } from "./fs-util.ts";

/**
 * Atomically point `linkPath` at `targetDir`.
 *
 * How: a temporary symlink is created next to `linkPath` (same directory, so
 * same filesystem) and then `rename(2)`d over `linkPath`. Renaming over an
 * existing symlink replaces it atomically on Linux: every reader resolving
 * `linkPath` sees either the old target or the new one, never a missing path.
 *
 * - `targetDir` may be absolute or relative to the current working directory;
 *   it must exist and be a directory. The link stores a path *relative to the
 *   link's own directory* (computed on real paths), so the pair can be moved
 *   or bind-mounted together and `ls -l` stays readable.
 * - If `linkPath` does not exist, it is created (via the same rename).
 * - If `linkPath` is a symlink (even a dangling one), it is replaced atomically.
 * - If `linkPath` is a real directory (e.g. an output dir from before releases
 *   existed), it is first renamed aside to `<linkPath>.pre-release-<time>` and
 *   then the symlink is renamed into place. That one first switch is NOT
 *   atomic: between the two renames `linkPath` briefly does not exist. The
 *   moved-aside directory is left in place for the caller/user to delete.
 * - If `linkPath` is anything else (a regular file...), it throws and changes
 *   nothing.
 */
export async function swapSymlink(linkPath: string, targetDir: string): Promise<void> {
  const absLink = path.resolve(linkPath);
  const linkParent = path.dirname(absLink);
  const linkName = path.basename(absLink);

  let targetStat;
  try {
    targetStat = await fs.stat(targetDir);
  } catch (error) {
    throw new Error(`swapSymlink: target ${targetDir} does not exist (${errCode(error)}); nothing was changed.`);
  }
  if (!targetStat.isDirectory()) {
    throw new Error(`swapSymlink: target ${targetDir} is not a directory; nothing was changed.`);
  }
  await fs.mkdir(linkParent, { recursive: true });
  const realParent = await fs.realpath(linkParent);
  const realTarget = await fs.realpath(targetDir);
  const linkText = path.relative(realParent, realTarget) || ".";

  let existing: import("node:fs").Stats | undefined;
  try {
    existing = await fs.lstat(absLink);
  } catch (error) {
    if (errCode(error) !== "ENOENT") throw error;
  }
  if (existing && !existing.isSymbolicLink() && !existing.isDirectory()) {
    throw new Error(
      `swapSymlink: ${linkPath} exists and is neither a symlink nor a directory; ` +
        `move or delete it yourself, then retry. Nothing was changed.`,
    );
  }

  const tmp = path.join(linkParent, `${linkName}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  await fs.symlink(linkText, tmp, "dir");
  try {
    if (existing?.isDirectory()) {
      // One-time migration from a real directory: not atomic (see doc comment).
      const aside = path.join(linkParent, `${linkName}.pre-release-${timestampId(new Date())}`);
      await fs.rename(absLink, aside);
    }
    await fs.rename(tmp, absLink);
  } catch (error) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await fsyncDir(linkParent);
}

/**
 * The release directories inside `dir`, oldest first (sorted by name, so ids
 * must sort chronologically, e.g. a UTC timestamp prefix). Hidden entries and
 * temporary entries (`*.tmp-*`) are skipped; only directories are listed.
 * Returns [] when `dir` does not exist.
 */
export async function listReleases(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (errCode(error) === "ENOENT") return [];
    throw error;
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith(".") && !e.name.includes(".tmp-"))
    .map((e) => e.name)
    .sort();
}

/**
 * Name (basename) of the release `linkPath` currently points at, or undefined
 * when `linkPath` is missing or not a symlink.
 */
export async function currentRelease(linkPath: string): Promise<string | undefined> {
  try {
    const text = await fs.readlink(linkPath);
    return path.basename(path.resolve(path.dirname(path.resolve(linkPath)), text));
  } catch (error) {
    const code = errCode(error);
    if (code === "ENOENT" || code === "EINVAL") return undefined;
    throw error;
  }
}

/**
 * Delete all but the newest `keep` releases in `dir`, never deleting any name
 * in `protect` (e.g. the current release). Returns the deleted names, oldest
 * first. Each release is first renamed to a hidden temp name, then removed, so
 * a half-deleted release never looks like a valid one.
 */
export async function pruneReleases(
  dir: string,
  options: { keep: number; protect?: Iterable<string> },
): Promise<string[]> {
  const keep = Math.max(1, Math.floor(options.keep));
  const protect = new Set(options.protect ?? []);
  const all = await listReleases(dir);
  const keepSet = new Set(all.slice(-keep));
  const removed: string[] = [];
  for (const name of all) {
    if (keepSet.has(name) || protect.has(name)) continue;
    const doomed = path.join(dir, `.${name}.tmp-rm-${process.pid}-${randomBytes(3).toString("hex")}`);
    await fs.rename(path.join(dir, name), doomed);
    await fs.rm(doomed, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** `20261122T201530123Z`: UTC, fixed width, sorts chronologically. */
export function timestampId(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(".", "");
}

async function fsyncDir(dir: string): Promise<void> {
  // Best effort: make the rename durable. Some filesystems refuse to fsync dirs.
  let handle;
  try {
    handle = await fs.open(dir, fsConstants.O_RDONLY);
    await handle.sync();
  } catch {
    // ignore
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
