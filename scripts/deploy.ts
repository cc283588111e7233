/**
 * Self-hosted publishing: `npm run deploy -- --target <dir> [--source build] [--keep 5]`
 *                         `npm run deploy -- --target <dir> --rollback [--to <release-id>]`
 *
 * Layout of <dir> (the nginx `root` is <dir>/current, see deploy/nginx.conf):
 *
 *   <dir>/current -> releases/<id>         symlink, swapped atomically (lib/release.ts)
 *   <dir>/releases/<id>/                   one complete copy of a built site per release
 *   <dir>/releases/<id>/.runbook-release.json   what deploy recorded (hidden; nginx denies dotfiles)
 *
 * <id> is `<UTC timestamp to the ms>Z-<8 hex of the tree's content hash>`: sortable, unique.
 *
 * Old pages keep working across a switch: every new release also receives the
 * fingerprinted files (`assets/**\/name.<hex>.ext`) of the releases that are
 * kept and of the one being replaced, so a page loaded from an older release
 * can still fetch its CSS/JS after `current` moved. Content-hashed names make
 * this safe (same name => same bytes). A rollback does the same for the
 * release it switches back to.
 *
 * The logic is exported (publish, rollback, readBuildMarker) for tests; the
 * CLI at the bottom is a thin wrapper.
 */
import { createHash, randomBytes } from "node:crypto";
import { constants as fsConstants } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { killPoint } from "../lib/kill-point.ts";
import { currentRelease, listReleases, pruneReleases, swapSymlink, timestampId } from "../lib/release.ts";
import { PREVIEW_USAGE, PreviewError, previewArgs, prunePreviews, pruneDaysArg, runPreviewCommand } from "./deploy/preview.ts";
import { RunbookSmithError } from "../lib/errors.ts";

export const BUILD_MARKER = ".runbook-smith.json";
export const RELEASE_MANIFEST = ".runbook-release.json";
export const DEFAULT_KEEP = 5;
/** `name.<8-16 lowercase hex>.ext`, the build's fingerprinted file names. */
export const FINGERPRINTED = /^.+\.[0-9a-f]{8,16}\.[A-Za-z0-9]+$/;
const RELEASE_ID = /^(\d{8}T\d{9}Z)-[0-9a-f]{8}$/;

/** An error whose message is meant for a human: the CLI prints it without a stack trace. */
export class DeployError extends RunbookSmithError {
  override name = "DeployError";
}

export interface BuildMarker {
  generator: "runbook-smith";
  passed: true;
  pages: number;
  files: number;
  checks: string[];
}

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
}

export interface PublishResult {
  id: string;
  releaseDir: string;
  previous: string | undefined;
  files: number;
  carried: number;
  removed: string[];
}

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

/** Reads and checks `.runbook-smith.json`; throws a DeployError that says how to fix it. */
export async function readBuildMarker(dir: string): Promise<BuildMarker> {
  const file = path.join(dir, BUILD_MARKER);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if (errCode(error) !== "ENOENT") throw error;
    throw new DeployError(
      `${dir} has no ${BUILD_MARKER}, so it is not the output of a successful build ` +
        `(the build writes that file only when every check passed).\n` +
        `Fix: run \`npm run build\` and deploy what it produced, or point --source at a built site.`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new DeployError(
      `${file} is not valid JSON (${(error as Error).message}).\nFix: rebuild with \`npm run build\`; do not edit this file by hand.`,
    );
  }
  const marker = data as Partial<BuildMarker> | null;
  if (!marker || typeof marker !== "object" || marker.generator !== "runbook-smith") {
    throw new DeployError(
      `${file} was not written by runbook-smith (generator is ${JSON.stringify(marker?.generator)}).\n` +
        `Fix: deploy the output of \`npm run build\`.`,
    );
  }
  if (marker.passed !== true) {
    throw new DeployError(
      `${file} says passed: ${JSON.stringify(marker.passed)}: this build did not pass its checks, so it will not be published.\n` +
        `Fix: run \`npm run check\`, fix what it reports, then \`npm run build\` and deploy again.`,
    );
  }
  if (typeof marker.pages !== "number" || typeof marker.files !== "number" || !Array.isArray(marker.checks)) {
    throw new DeployError(
      `${file} is incomplete (needs numeric "pages" and "files" and a "checks" list).\nFix: rebuild with \`npm run build\`.`,
    );
  }
  try {
    await fs.access(path.join(dir, "index.html"));
  } catch {
    throw new DeployError(`${dir} has no index.html, so it would publish a site without a home page.\nFix: rebuild with \`npm run build\`.`);
  }
  return marker as BuildMarker;
}

// ---------------------------------------------------------------------------

async function resolveSource(source: string): Promise<string> {
  let real: string;
  try {
    real = await fs.realpath(source);
  } catch (error) {
    const code = errCode(error);
    if (code !== "ENOENT") throw error;
    const dangling = await fs.lstat(source).then((s) => s.isSymbolicLink(), () => false);
    throw new DeployError(
      dangling
        ? `Nothing to publish: ${source} is a symlink to a directory that no longer exists.\nFix: run \`npm run build\` to make a fresh build.`
        : `Nothing to publish: ${source} does not exist.\nFix: run \`npm run build\` first (it creates ${source}), or pass --source <built site dir>.`,
    );
  }
  const stat = await fs.stat(real);
  if (!stat.isDirectory()) {
    throw new DeployError(`Nothing to publish: ${source} is not a directory.\nFix: pass --source <built site dir> (default: build).`);
  }
  if ((await fs.readdir(real)).length === 0) {
    throw new DeployError(`Nothing to publish: ${source} is empty.\nFix: run \`npm run build\` and check that it succeeded.`);
  }
  return real;
}

function describeSource(given: string, real: string): string {
  return path.resolve(given) === real ? given : `${given} (-> ${real})`;
}

/** Regular files under `root`, as sorted posix relative paths. Refuses symlinks (nginx would follow them). */
async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) out.push(child);
      else {
        throw new DeployError(
          `${path.join(root, child)} is ${entry.isSymbolicLink() ? "a symlink" : "not a regular file"}; ` +
            `a published site must contain only plain files and directories (nginx would follow links).\n` +
            `Fix: make the build write real files, rebuild, and deploy again.`,
        );
      }
    }
  }
  await walk("");
  return out.sort();
}

async function hashTree(root: string, files: string[]): Promise<string> {
  const tree = createHash("sha256");
  for (const rel of files) {
    const fileHash = createHash("sha256").update(await fs.readFile(path.join(root, rel))).digest("hex");
    tree.update(`${rel}\0${fileHash}\n`);
  }
  return tree.digest("hex");
}

/**
 * Copies the files; directories end up 0755 and files 0644 whatever the build
 * or umask made them, so nginx workers (another user) can read the release.
 */
async function copyTree(from: string, to: string, files: string[]): Promise<void> {
  const made = new Set<string>();
  const mkdir = async (rel: string) => {
    if (made.has(rel)) return;
    if (rel !== ".") await mkdir(path.dirname(rel));
    await fs.mkdir(path.join(to, rel), { recursive: true });
    await fs.chmod(path.join(to, rel), 0o755);
    made.add(rel);
  };
  for (const [i, rel] of files.entries()) {
    if (i === Math.floor(files.length / 2)) killPoint("deploy:mid-copy");
    await mkdir(path.dirname(rel));
    await fs.copyFile(path.join(from, rel), path.join(to, rel));
    await fs.chmod(path.join(to, rel), 0o644);
  }
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

/** Fingerprinted files under `<release>/assets`, as posix paths relative to the release. */
async function listFingerprinted(releaseDir: string): Promise<string[]> {
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

interface ReleaseManifest {
  id: string;
  publishedAt: string;
  source: string;
  treeHash: string;
  /** Fingerprinted files the build itself produced (not the ones carried over from other releases). */
  ownAssets: string[];
}

async function writeManifest(releaseDir: string, manifest: ReleaseManifest): Promise<void> {
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
async function carryAssets(releasesDir: string, donors: string[], intoDir: string): Promise<number> {
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

function uniqueReleaseId(existing: string[], now: Date, treeHash: string): string {
  const short = treeHash.slice(0, 8);
  const newest = existing.filter((name) => RELEASE_ID.test(name)).at(-1);
  let time = now.getTime();
  let id = `${timestampId(new Date(time))}-${short}`;
  // Strictly after the newest release, so ids stay unique and sort as publish order
  // even if the clock went backwards.
  while (newest !== undefined && id.slice(0, 19) <= newest.slice(0, 19)) {
    time = Math.max(time + 1, Date.parse(isoFromId(newest)) + 1);
    id = `${timestampId(new Date(time))}-${short}`;
  }
  return id;
}

function isoFromId(id: string): string {
  // 20261122T201530123Z -> 2026-11-22T20:15:30.123Z
  const t = id.slice(0, 19);
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}.${t.slice(15, 18)}Z`;
}

function listing(releases: string[], current: string): string {
  if (releases.length === 0) return "No releases are kept.";
  return `Releases (oldest first):\n${releases.map((r) => `  ${r}${r === current ? "   <- current" : ""}`).join("\n")}`;
}

/**
 * Throws the errno error (EROFS, EACCES) if `dir`, or the nearest folder above it that exists,
 * cannot be written: `mkdir -p` on a read-only disk says ENOENT instead, which names no cause.
 */
async function checkWritable(dir: string): Promise<void> {
  let at = path.resolve(dir);
  while (!(await exists(at)) && path.dirname(at) !== at) at = path.dirname(at);
  await fs.access(at, fsConstants.W_OK);
}

/** One deploy at a time per target: `<target>/.deploy.lock` holds the owner's pid. */
async function withLock<T>(target: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(target, ".deploy.lock");
  await fs.mkdir(target, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(lock, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if (errCode(error) !== "EEXIST" || attempt > 0) {
        if (errCode(error) === "EEXIST") {
          throw new DeployError(`Another deploy holds ${lock}.\nFix: wait for it to finish; if none is running, delete ${lock} and retry.`);
        }
        throw error;
      }
      const pid = Number.parseInt(await fs.readFile(lock, "utf8").catch(() => ""), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DeployError(
          `Another deploy (pid ${pid}) is running on ${target}.\nFix: wait for it to finish; if pid ${pid} is not a deploy, delete ${lock} and retry.`,
        );
      }
      if (pid === process.pid) {
        throw new DeployError(`This process is already deploying to ${target}; run one publish/rollback at a time per target.`);
      }
      await fs.rm(lock, { force: true }); // stale: its owner is gone
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lock, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errCode(error) === "EPERM";
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

function errCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : undefined;
}

// --------------------------------------------------------------------- CLI

const USAGE = `Usage:
  npm run deploy -- --target <dir> [--source build] [--keep ${DEFAULT_KEEP}]   publish the current build as a new release
  npm run deploy -- --target <dir> --rollback [--to <release-id>]      switch back to the previous release
${PREVIEW_USAGE}

<dir> is the deploy root (e.g. /srv/runbooks): nginx serves <dir>/current (see deploy/nginx.conf).`;

export async function main(argv: string[], out = console.log, err = console.error): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        target: { type: "string" },
        source: { type: "string", default: "build" },
        keep: { type: "string", default: String(DEFAULT_KEEP) },
        rollback: { type: "boolean", default: false },
        to: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
        ...previewArgs,
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    err(`deploy: ${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (!values.target) {
    err(`deploy: --target <dir> is required (the deploy root nginx serves from, e.g. /srv/runbooks).\n\n${USAGE}`);
    return 1;
  }
  if (values.to !== undefined && !values.rollback) {
    err(`deploy: --to only makes sense with --rollback.\n\n${USAGE}`);
    return 1;
  }
  const keep = Number(values.keep);
  const log = (line: string) => out(`deploy: ${line}`);
  try {
    // Pull-request previews (scripts/deploy/preview.ts); production deploys prune stale previews too.
    if (await runPreviewCommand({ ...values, target: values.target }, publish, log)) return 0;
    if (values.rollback) {
      await rollback({ target: values.target, to: values.to, log });
    } else {
      await publish({ source: values.source, target: values.target, keep, log });
      await prunePreviews({ target: values.target, log, pruneDays: pruneDaysArg(values) });
    }
    return 0;
  } catch (error) {
    err(`deploy: error: ${humanMessage(error, values.target)}`);
    return 1;
  }
}

function humanMessage(error: unknown, target: string): string {
  if (error instanceof DeployError || error instanceof PreviewError) return error.message;
  const code = errCode(error);
  // The disk or the permissions of the target: one line that names it, never a stack trace.
  const unchanged = "the current release was not changed";
  if (code === "ENOSPC" || code === "EDQUOT") return `cannot publish to ${target}: the disk is full; ${unchanged}. Free space (or lower --keep) and retry.`;
  if (code === "EROFS") return `cannot publish to ${target}: it is on a read-only disk; ${unchanged}. Mount it read-write or pick another --target.`;
  if (code === "EACCES" || code === "EPERM") {
    const where = (error as { path?: string }).path;
    return `cannot publish to ${target}: permission denied${where ? ` on ${where}` : ""}; ${unchanged}. Run the deploy as the user that owns it, or fix its ownership (chown -R).`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

const invokedAs = process.argv[1] ? path.resolve(process.argv[1]) : "";
if (invokedAs && invokedAs === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
