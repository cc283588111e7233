/**
 * Publishing a built site as a new release of a deploy target.
 *
 * Layout of <dir> (the nginx `root` is <dir>/current, see deploy/nginx.conf):
 *
 *   <dir>/current -> releases/<id>         symlink, swapped atomically (lib/io/release.ts)
 *   <dir>/releases/<id>/                   one complete copy of a built site per release
 *   <dir>/releases/<id>/.runbook-release.json   what deploy recorded (hidden; nginx denies dotfiles)
 *
 * <id> is `<UTC timestamp to the ms>Z-<8 hex of the tree's content hash>`: sortable, unique (release-id.ts).
 *
 * Old pages keep working across a switch: every new release also receives the
 * fingerprinted files (`assets/**\/name.<hex>.ext`) of the releases that are
 * kept and of the one being replaced, so a page loaded from an older release
 * can still fetch its CSS/JS after `current` moved (assets.ts).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { currentRelease, listReleases, pruneReleases, swapSymlink } from "../../lib/io/release.ts";
import { carryAssets, listFingerprinted, writeManifest } from "./assets.ts";
import { DeployError } from "./errors.ts";
import { checkWritable, withLock } from "./lock.ts";
import { BUILD_MARKER, readBuildMarker } from "./marker.ts";
import { uniqueReleaseId } from "./release-id.ts";
import { copyTree, describeSource, hashTree, listTree, resolveSource } from "./tree.ts";
import { checkNoUrlVanishes } from "./urls.ts";

export const DEFAULT_KEEP = 5;

export interface PublishOptions {
  /** The built site: a directory or the `build` symlink (resolved before copying). */
  source: string;
  /** Deploy root: gets `current` and `releases/`. */
  target: string;
  /** How many releases to keep (newest first); the current one is always kept. Default 5. */
  keep?: number;
  /** One line per action. Default: silent. */
  log?: (line: string) => void;
  /** Clock, for tests. */
  now?: () => Date;
  /**
   * Refuse a release that drops a URL the live release serves (scripts/deploy/urls.ts), allowing
   * these URLs (site.yml's removed_urls). Unset: no comparison (previews, tests of the mechanics).
   */
  removedUrls?: readonly string[];
}

export interface PublishResult {
  id: string;
  releaseDir: string;
  previous: string | undefined;
  files: number;
  carried: number;
  removed: string[];
}

/** Publish the built site at `source` as a new release of `target` and switch `current` to it. */
export async function publish(options: PublishOptions): Promise<PublishResult> {
  const log = options.log ?? (() => undefined);
  const keep = options.keep ?? DEFAULT_KEEP;
  if (!Number.isInteger(keep) || keep < 1) {
    throw new DeployError(`--keep must be a whole number of at least 1 (got ${keep}).`);
  }
  const now = options.now ?? (() => new Date());

  const source = await resolveSource(options.source);
  const marker = await readBuildMarker(source);
  const files = await listTree(source);
  log(`verified ${describeSource(options.source, source)}: ${BUILD_MARKER} passed (${marker.pages} pages, ${files.length} files)`);

  const target = path.resolve(options.target);
  const releasesDir = path.join(target, "releases");
  const currentLink = path.join(target, "current");
  await checkWritable(target);
  await fs.mkdir(releasesDir, { recursive: true });

  return withLock(target, async () => {
    if (options.removedUrls) checkNoUrlVanishes(source, currentLink, options.removedUrls);
    const treeHash = await hashTree(source, files);
    const existing = await listReleases(releasesDir);
    const id = uniqueReleaseId(existing, now(), treeHash);
    const releaseDir = path.join(releasesDir, id);
    const staging = path.join(releasesDir, `.${id}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`);
    const leftovers = await removeStaleStaging(releasesDir);
    if (leftovers) log(`removed ${leftovers} staging folder(s) left by an interrupted deploy`);

    try {
      await copyTree(source, staging, files);
      const ownAssets = await listFingerprinted(staging);
      await writeManifest(staging, { id, publishedAt: now().toISOString(), source, treeHash, ownAssets });
      log(`copied ${files.length} files to ${releaseDir}`);

      // Donors: the releases that stay after pruning, and whatever is live right now
      // (its pages are open in browsers even if it is about to be pruned).
      const previous = await currentRelease(currentLink);
      const donors = new Set(keep > 1 ? existing.slice(-(keep - 1)) : []);
      if (previous && existing.includes(previous)) donors.add(previous);
      const carried = await carryAssets(releasesDir, [...donors].sort(), staging);
      log(
        donors.size === 0
          ? "no earlier releases: no assets to carry over"
          : `carried ${carried} fingerprinted asset(s) from ${donors.size} earlier release(s) so their open pages keep loading`,
      );

      await fs.rename(staging, releaseDir);
      await swapSymlink(currentLink, releaseDir);
      log(`switched ${currentLink} -> releases/${id}${previous ? ` (was ${previous})` : " (first release)"}`);

      const removed = await pruneReleases(releasesDir, { keep, protect: [id] });
      for (const name of removed) log(`removed old release ${name} (keeping the newest ${keep})`);

      return { id, releaseDir, previous, files: files.length, carried, removed };
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  });
}

/**
 * Removes the staging folders (`.<id>.tmp-...`) and half-deleted releases (`.<id>.tmp-rm-...`) that
 * a deploy killed mid-way leaves in `releases/`. Called under the target's lock, so no other
 * deploy is using them. Returns how many were removed.
 */
async function removeStaleStaging(releasesDir: string): Promise<number> {
  const stale = (await fs.readdir(releasesDir)).filter((name) => name.startsWith(".") && name.includes(".tmp-"));
  for (const name of stale) await fs.rm(path.join(releasesDir, name), { recursive: true, force: true });
  return stale.length;
}
