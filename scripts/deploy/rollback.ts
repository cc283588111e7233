/** Rolling a deploy target back: switch `current` to an earlier (or a chosen) release. */
import * as path from "node:path";
import { currentRelease, listReleases, swapSymlink } from "../../lib/io/release.ts";
import { carryAssets } from "./assets.ts";
import { DeployError } from "./errors.ts";
import { exists } from "./fs-util.ts";
import { withLock } from "./lock.ts";
import { readBuildMarker } from "./marker.ts";

export interface RollbackOptions {
  target: string;
  /** Release id to switch to. Default: the release just before the current one. */
  to?: string;
  log?: (line: string) => void;
}

export interface RollbackResult {
  from: string;
  to: string;
  carried: number;
}

/** Switch `current` back to the release before it (or to `to`). */
export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const log = options.log ?? (() => undefined);
  const target = path.resolve(options.target);
  const releasesDir = path.join(target, "releases");
  const currentLink = path.join(target, "current");
  if (!(await exists(target))) {
    throw new DeployError(`${target} does not exist, so there is nothing to roll back.\nCheck --target: it must be the directory you published to.`);
  }

  return withLock(target, async () => {
    const releases = await listReleases(releasesDir);
    const current = await currentRelease(currentLink);
    if (!current) {
      throw new DeployError(
        `Nothing is published at ${target} (there is no ${currentLink} symlink), so there is nothing to roll back.\n` +
          `Publish first: npm run deploy -- --target ${options.target}`,
      );
    }
    let to: string;
    if (options.to !== undefined) {
      if (!releases.includes(options.to)) {
        throw new DeployError(
          `There is no release ${options.to} in ${releasesDir}.\n${listing(releases, current)}\n` +
            `Pick one of these with --to <id>.`,
        );
      }
      if (options.to === current) throw new DeployError(`${options.to} is already the current release; nothing to do.`);
      to = options.to;
    } else {
      const index = releases.indexOf(current);
      if (index === -1) {
        throw new DeployError(
          `${currentLink} points at ${current}, which is not in ${releasesDir}.\n${listing(releases, current)}\n` +
            `Choose the release to serve explicitly: --rollback --to <id>.`,
        );
      }
      if (index === 0) {
        throw new DeployError(
          `The current release ${current} is the oldest one kept; there is nothing older to roll back to.\n` +
            `${listing(releases, current)}\nTo serve a newer one instead, use --rollback --to <id>.`,
        );
      }
      to = releases[index - 1] as string;
    }

    const toDir = path.join(releasesDir, to);
    await readBuildMarker(toDir);
    const donors = releases.filter((name) => name !== to);
    const carried = await carryAssets(releasesDir, donors, toDir);
    log(`carried ${carried} fingerprinted asset(s) from ${donors.length} other release(s) into ${to} so open pages keep loading`);
    await swapSymlink(currentLink, toDir);
    log(`rolled back ${currentLink} -> releases/${to} (was ${current})`);
    return { from: current, to, carried };
  });
}

function listing(releases: string[], current: string): string {
  if (releases.length === 0) return "No releases are kept.";
  return `Releases (oldest first):\n${releases.map((r) => `  ${r}${r === current ? "   <- current" : ""}`).join("\n")}`;
}
