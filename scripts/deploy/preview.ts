/**
 * Pull-request previews on a self-hosted target (issue 18):
 *
 *   npm run deploy -- --target <dir> --preview <name> [--source build] [--prune-previews-days 14]
 *   npm run deploy -- --target <dir> --remove-preview <name>
 *   npm run deploy -- --target <dir> --prune-previews [--prune-previews-days 14]   prune only
 *
 * Layout of <dir>, next to production's `current` and `releases/` (scripts/deploy.ts):
 *
 *   <dir>/previews/<name> -> ../preview-sites/<name>/current    served at /previews/<name>/ (deploy/nginx.conf)
 *   <dir>/preview-sites/<name>/current -> releases/<id>         a deploy target of its own, published by
 *   <dir>/preview-sites/<name>/releases/<id>/                   the same publish() as production
 *   <dir>/preview-sites/<name>/.runbook-preview.json            when it was first and last published
 *
 * Each preview is a complete deploy target, so it gets what production gets: only a passing build
 * is published, the switch is atomic, one deploy at a time, and a page opened before an update
 * still loads its fingerprinted assets. `previews/<name>` is a stable link into it, so nginx needs
 * one plain `root` for every preview. The build must use the base path /previews/<name>/.
 *
 * Previews not published for `pruneDays` days are removed by every deploy, production or preview
 * (decisions.md, "Pull-request previews (issue 18)").
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { RunbookSmithError } from "../../lib/core/errors.ts";
import { errCode, isAlive } from "./fs-util.ts";

export const PREVIEWS_DIR = "previews";
export const PREVIEW_SITES_DIR = "preview-sites";
export const PREVIEW_META = ".runbook-preview.json";
export const DEFAULT_PRUNE_DAYS = 14;
/** Lowercase letters, digits and dashes, at most 63: safe as a folder and a URL segment (`pr-42`). */
export const PREVIEW_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** An error meant for a human: the deploy CLI prints it without a stack trace. */
export class PreviewError extends RunbookSmithError {
  override name = "PreviewError";
}

/** The part of scripts/deploy.ts publish() a preview uses (handed in, so this file does not import the CLI). */
export type PublishSite = (options: {
  source: string;
  target: string;
  keep?: number;
  log?: (line: string) => void;
  now?: () => Date;
}) => Promise<{ id: string; previous: string | undefined }>;

export interface PreviewMeta {
  name: string;
  createdAt: string;
  updatedAt: string;
}

export interface PreviewOptions {
  /** Deploy root (the production target). */
  target: string;
  log?: (line: string) => void;
  /** Clock, for tests. */
  now?: () => Date;
  /** Remove previews not published for this many days (0: never). Default 14. */
  pruneDays?: number;
}

export interface PublishPreviewOptions extends PreviewOptions {
  name: string;
  /** The built site (base path /previews/<name>/). */
  source: string;
  publishSite: PublishSite;
}

export interface PublishPreviewResult {
  name: string;
  /** Root-relative URL the preview is served at. */
  url: string;
  id: string;
  pruned: string[];
}

/** `/previews/<name>/`: where a preview is served, and the base path its build must use. */
export function previewPath(name: string): string {
  return `/${PREVIEWS_DIR}/${name}/`;
}

/** Throws a PreviewError saying what a usable name looks like. */
export function checkPreviewName(name: string, flag = "--preview"): string {
  if (!PREVIEW_NAME.test(name)) {
    throw new PreviewError(
      `${flag} ${JSON.stringify(name)} is not a usable preview name: it becomes the URL /previews/<name>/, so use ` +
        `lowercase letters, digits and dashes, starting and ending with a letter or digit, at most 63 characters.\n` +
        `Fix: for a pull request, use pr-<number> (for example ${flag} pr-42).`,
    );
  }
  return name;
}

/** Publish a build as the preview `name`, creating it on first use. Prunes stale previews after. */
export async function publishPreview(options: PublishPreviewOptions): Promise<PublishPreviewResult> {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const name = checkPreviewName(options.name);
  const pruneDays = checkPruneDays(options.pruneDays);
  const target = path.resolve(options.target);
  const site = path.join(target, PREVIEW_SITES_DIR, name);

  const { id, previous } = await options.publishSite({ source: options.source, target: site, keep: 1, log: (l) => log(`preview ${name}: ${l}`), now });
  const meta = await readMeta(site);
  const stamp = now().toISOString();
  await writeMeta(site, { name, createdAt: meta?.createdAt ?? stamp, updatedAt: stamp });
  await ensureLink(path.join(target, PREVIEWS_DIR, name), path.join("..", PREVIEW_SITES_DIR, name, "current"));
  log(`preview ${name}: ${previous ? "updated" : "published"} at ${previewPath(name)}`);

  const pruned = await prunePreviews({ target, log, now, pruneDays, spare: [name] });
  return { name, url: previewPath(name), id, pruned };
}

/** Remove the preview `name`: its URL stops answering first, then its files go. */
export async function removePreview(options: PreviewOptions & { name: string }): Promise<{ removed: boolean; pruned: string[] }> {
  const log = options.log ?? (() => undefined);
  const name = checkPreviewName(options.name, "--remove-preview");
  const pruneDays = checkPruneDays(options.pruneDays);
  const target = path.resolve(options.target);
  const removed = await removeOne(target, name, "strict");
  log(removed ? `preview ${name}: removed (${previewPath(name)} no longer answers)` : `preview ${name}: there was no such preview; nothing to remove`);
  const pruned = await prunePreviews({ target, log, now: options.now, pruneDays, spare: [] });
  return { removed, pruned };
}

/** Remove every preview not published for `pruneDays` days. Returns the names removed. */
export async function prunePreviews(options: PreviewOptions & { spare?: string[] }): Promise<string[]> {
  const log = options.log ?? (() => undefined);
  const pruneDays = checkPruneDays(options.pruneDays);
  if (pruneDays === 0) return [];
  const target = path.resolve(options.target);
  const now = (options.now ?? (() => new Date()))().getTime();
  const spare = new Set(options.spare ?? []);
  const removed: string[] = [];
  for (const preview of await listPreviews(target)) {
    if (spare.has(preview.name)) continue;
    const age = now - Date.parse(preview.updatedAt);
    if (!(age > pruneDays * DAY_MS)) continue;
    if (await removeOne(target, preview.name, "skip-busy")) {
      removed.push(preview.name);
      log(`preview ${preview.name}: removed, last published ${preview.updatedAt.slice(0, 10)} (more than ${pruneDays} days ago)`);
    }
  }
  return removed;
}

/** The previews of a target, by name. A preview without its record is dated by its folder. */
export async function listPreviews(target: string): Promise<PreviewMeta[]> {
  const sites = path.join(path.resolve(target), PREVIEW_SITES_DIR);
  let entries;
  try {
    entries = await fs.readdir(sites, { withFileTypes: true });
  } catch (error) {
    if (errCode(error) === "ENOENT") return [];
    throw error;
  }
  const out: PreviewMeta[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || !PREVIEW_NAME.test(entry.name)) continue;
    const dir = path.join(sites, entry.name);
    const meta = await readMeta(dir);
    if (meta) out.push({ ...meta, name: entry.name });
    else {
      const mtime = (await fs.stat(dir)).mtime.toISOString();
      out.push({ name: entry.name, createdAt: mtime, updatedAt: mtime });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

// ---------------------------------------------------------------------------

function checkPruneDays(days: number | undefined): number {
  const value = days ?? DEFAULT_PRUNE_DAYS;
  if (!Number.isInteger(value) || value < 0) {
    throw new PreviewError(`--prune-previews-days must be a whole number of days, 0 or more (got ${days}).\nFix: for example --prune-previews-days 14; 0 keeps previews until they are removed.`);
  }
  return value;
}

/**
 * Unlinks `previews/<name>` (the URL answers 404 from then on), then moves the preview's folder
 * aside under a hidden name and deletes it, so a half-deleted preview never looks like one.
 * A preview being published right now (its deploy lock is held) is an error when asked for by
 * name, and skipped when pruning.
 */
async function removeOne(target: string, name: string, busy: "strict" | "skip-busy"): Promise<boolean> {
  const sites = path.join(target, PREVIEW_SITES_DIR);
  const site = path.join(sites, name);
  const link = path.join(target, PREVIEWS_DIR, name);
  const lock = path.join(site, ".deploy.lock");
  const holder = Number.parseInt(await fs.readFile(lock, "utf8").catch(() => ""), 10);
  if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
    if (busy === "skip-busy") return false;
    throw new PreviewError(`Preview ${name} is being published right now (pid ${holder} holds ${lock}).\nFix: wait for that deploy to finish, then remove the preview again.`);
  }
  const hadLink = await fs.rm(link, { force: false }).then(() => true, (error) => {
    if (errCode(error) === "ENOENT") return false;
    throw error;
  });
  const doomed = path.join(sites, `.${name}.tmp-rm-${process.pid}-${randomBytes(3).toString("hex")}`);
  const hadSite = await fs.rename(site, doomed).then(() => true, (error) => {
    if (errCode(error) === "ENOENT") return false;
    throw error;
  });
  if (hadSite) await fs.rm(doomed, { recursive: true, force: true });
  return hadLink || hadSite;
}

/** Creates the symlink `link` -> `text` unless it is already exactly that (atomic: tmp + rename). */
async function ensureLink(link: string, text: string): Promise<void> {
  if ((await fs.readlink(link).catch(() => undefined)) === text) return;
  await fs.mkdir(path.dirname(link), { recursive: true });
  const stat = await fs.lstat(link).catch(() => undefined);
  if (stat && !stat.isSymbolicLink()) {
    throw new PreviewError(`${link} exists and is not a link made by deploy, so the preview cannot be served there.\nFix: move or delete ${link}, then publish the preview again.`);
  }
  const tmp = `${link}.tmp-${process.pid}-${randomBytes(3).toString("hex")}`;
  await fs.symlink(text, tmp, "dir");
  try {
    await fs.rename(tmp, link);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

async function readMeta(site: string): Promise<PreviewMeta | undefined> {
  try {
    const data = JSON.parse(await fs.readFile(path.join(site, PREVIEW_META), "utf8")) as Partial<PreviewMeta>;
    if (typeof data.updatedAt === "string" && !Number.isNaN(Date.parse(data.updatedAt))) {
      return { name: String(data.name ?? ""), createdAt: String(data.createdAt ?? data.updatedAt), updatedAt: data.updatedAt };
    }
  } catch {
    // missing or unreadable: the caller dates the preview by its folder
  }
  return undefined;
}

async function writeMeta(site: string, meta: PreviewMeta): Promise<void> {
  const file = path.join(site, PREVIEW_META);
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, `${JSON.stringify(meta, null, 2)}\n`);
  await fs.rename(tmp, file);
}

// --------------------------------------------------------------------- CLI wiring

/** The deploy CLI's preview options (node:util parseArgs specs). */
export const previewArgs = {
  preview: { type: "string" },
  "remove-preview": { type: "string" },
  "prune-previews": { type: "boolean", default: false },
  "prune-previews-days": { type: "string" },
} as const;

export const PREVIEW_USAGE = `  npm run deploy -- --target <dir> --preview <name> [--source build]    publish a build as <dir>/previews/<name>/
  npm run deploy -- --target <dir> --remove-preview <name>               remove that preview
  npm run deploy -- --target <dir> --prune-previews                      only remove stale previews
Every deploy removes previews not published for ${DEFAULT_PRUNE_DAYS} days (--prune-previews-days <n>; 0 = never).`;

export interface PreviewCliValues {
  target: string;
  source: string;
  preview?: string;
  "remove-preview"?: string;
  "prune-previews"?: boolean;
  "prune-previews-days"?: string;
  rollback?: boolean;
}

/** `--prune-previews-days` as a number (undefined: the default); a PreviewError when it is not one. */
export function pruneDaysArg(values: { "prune-previews-days"?: string }): number | undefined {
  const days = values["prune-previews-days"];
  if (days === undefined) return undefined;
  if (!/^\d+$/.test(days)) {
    throw new PreviewError(`--prune-previews-days must be a whole number of days, 0 or more (got ${JSON.stringify(days)}).\nFix: for example --prune-previews-days 14; 0 keeps previews until they are removed.`);
  }
  return Number(days);
}

/**
 * Runs the preview command `values` asks for, or returns false when it asks for none (the caller
 * then publishes or rolls back production, and prunes with pruneDaysArg()).
 */
export async function runPreviewCommand(values: PreviewCliValues, publishSite: PublishSite, log: (line: string) => void): Promise<boolean> {
  const { preview, "remove-preview": remove } = values;
  const pruneOnly = values["prune-previews"] === true;
  if (preview === undefined && remove === undefined && !pruneOnly) return false;
  if ([preview !== undefined, remove !== undefined, pruneOnly, values.rollback === true].filter(Boolean).length > 1) {
    throw new PreviewError("Choose one of --preview, --remove-preview, --prune-previews and --rollback per command.");
  }
  const common = { target: values.target, log, pruneDays: pruneDaysArg(values) };
  if (preview !== undefined) await publishPreview({ ...common, name: preview, source: values.source, publishSite });
  else if (remove !== undefined) await removePreview({ ...common, name: remove });
  else if ((await prunePreviews(common)).length === 0) log(`no preview is older than ${common.pruneDays ?? DEFAULT_PRUNE_DAYS} days; nothing removed`);
  return true;
}
