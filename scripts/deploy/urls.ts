/**
 * No published URL disappears by accident on a deploy target: before a new release goes live, its
 * URL list (urls.json) is compared with the live release's. A page URL (or alias) that the live
 * release serves and the new one neither serves nor redirects is refused, unless site.yml lists it
 * under removed_urls: (or the deploy says --allow-removed). The build makes the same check against
 * its own previous build; a deploy target may hold a release built elsewhere.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import yaml from "js-yaml";
import { URL_LIST_FILE, vanishedUrls, type UrlList } from "../../lib/urls/history.ts";
import { DeployError } from "./errors.ts";

function readList(dir: string): UrlList | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(path.join(dir, URL_LIST_FILE), "utf8")) as Partial<UrlList>;
    return Array.isArray(data.pages) ? { generator: "runbook-smith", pages: data.pages, redirects: data.redirects ?? {} } : undefined;
  } catch {
    return undefined; // a release built before URL lists were published: nothing to compare
  }
}

/** site.yml's removed_urls, read from the project the deploy runs in ([] without one). */
export function removedUrlsOf(siteYml: string): string[] {
  try {
    const site = yaml.safeLoad(fs.readFileSync(siteYml, "utf8")) as { removed_urls?: unknown } | undefined;
    return Array.isArray(site?.removed_urls) ? site.removed_urls.filter((u): u is string => typeof u === "string") : [];
  } catch {
    return [];
  }
}

/** Throws a DeployError naming every live URL the new release would drop. */
export function checkNoUrlVanishes(source: string, live: string, removed: readonly string[]): void {
  const previous = readList(live);
  const next = readList(source);
  if (!previous || !next) return;
  const gone = vanishedUrls(previous, next, removed);
  if (!gone.length) return;
  const list = gone.map((g) => `  ${g.url}${g.title ? ` (${g.title})` : ""}`).join("\n");
  throw new DeployError(
    `${gone.length === 1 ? "this published page" : `these ${gone.length} published pages`} would disappear from the live site, and nothing redirects ${gone.length === 1 ? "it" : "them"}:\n${list}\n` +
      "The current release was not changed. Add each old URL under `aliases:` in the front matter of the page that replaced it, " +
      "or list it under `removed_urls:` in site.yml if it is gone on purpose, then build again (or deploy with --allow-removed).",
  );
}
