/**
 * Carrying fingerprinted assets between releases, so a page loaded from an older release can
 * still fetch its CSS/JS after `current` moved (same name => same bytes), and the release
 * manifest that records which of them a release's own build produced.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { errCode, exists } from "./fs-util.ts";
import { listTree } from "./tree.ts";

export const RELEASE_MANIFEST = ".runbook-release.json";
/** `name.<8-16 lowercase hex>.ext`, the build's fingerprinted file names. */
export const FINGERPRINTED = /^.+\.[0-9a-f]{8,16}\.[A-Za-z0-9]+$/;

/** Fingerprinted files under `<release>/assets`, as posix paths relative to the release. */
export async function listFingerprinted(releaseDir: string): Promise<string[]> {
  const assetsDir = path.join(releaseDir, "assets");
  let files: string[];
  try {
    files = await listTree(assetsDir);
  } catch (error) {
    if (errCode(error) === "ENOENT") return [];
    throw error;
  }
  return files.filter((rel) => FINGERPRINTED.test(path.posix.basename(rel))).map((rel) => `assets/${rel}`);
}

export interface ReleaseManifest {
  id: string;
  publishedAt: string;
  source: string;
  treeHash: string;
  /** Fingerprinted files the build itself produced (not the ones carried over from other releases). */
  ownAssets: string[];
}

export async function writeManifest(releaseDir: string, manifest: ReleaseManifest): Promise<void> {
  await fs.writeFile(path.join(releaseDir, RELEASE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The release's own fingerprinted files: from its manifest, or (releases made by hand) by scanning. */
async function ownAssets(releaseDir: string): Promise<string[]> {
  try {
    const manifest = JSON.parse(await fs.readFile(path.join(releaseDir, RELEASE_MANIFEST), "utf8")) as Partial<ReleaseManifest>;
    if (Array.isArray(manifest.ownAssets)) return manifest.ownAssets.filter((p): p is string => typeof p === "string");
  } catch {
    // fall through
  }
  return listFingerprinted(releaseDir);
}

/**
 * Adds the donors' own fingerprinted files to `intoDir` where missing
 * (hardlink, or copy across filesystems). Only ever adds files, each appearing
 * atomically, so it is safe on a live release. Returns the number added.
 */
export async function carryAssets(releasesDir: string, donors: string[], intoDir: string): Promise<number> {
  let added = 0;
  for (const donor of donors) {
    const donorDir = path.join(releasesDir, donor);
    for (const rel of await ownAssets(donorDir)) {
      if (!rel.startsWith("assets/") || rel.split("/").includes("..")) continue;
      const dest = path.join(intoDir, rel);
      if (await exists(dest)) continue; // same fingerprint => same bytes
      const src = path.join(donorDir, rel);
      if (!(await exists(src))) continue;
      await fs.mkdir(path.dirname(dest), { recursive: true });
      const tmp = path.join(path.dirname(dest), `.${path.basename(dest)}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`);
      try {
        await fs.link(src, tmp);
      } catch (error) {
        if (errCode(error) !== "EXDEV" && errCode(error) !== "EPERM") throw error;
        await fs.copyFile(src, tmp);
      }
      await fs.rename(tmp, dest);
      added++;
    }
  }
  return added;
}
