/**
 * Pull-request previews on a self-hosted target (scripts/deploy/preview.ts): publishing two
 * previews and production into one deploy root, what the tree looks like, removal, pruning by age,
 * the CLI's messages; then the same target served by Debian's nginx with deploy/nginx.conf.
 */
import { existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { currentRelease, listReleases } from "../../lib/io/release.ts";
import { main } from "../../scripts/deploy.ts";
import { publish } from "../../scripts/deploy/publish.ts";
import { listPreviews, PREVIEW_META, prunePreviews, publishPreview, removePreview } from "../../scripts/deploy/preview.ts";
import { makeBuild, tempDir } from "./fixtures.ts";
import { crawl, makeBaseBuild } from "./preview-fixtures.ts";
import { NGINX, startNginx, type Nginx } from "../helpers/nginx.ts";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.parse("2026-11-22T10:00:00.000Z");
const at = (days: number) => () => new Date(T0 + days * DAY);

let root: string;
let target: string;
beforeEach(async () => {
  root = await tempDir("preview");
  target = path.join(root, "srv");
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function preview(name: string, label: string, now = at(0), pruneDays?: number) {
  const { build } = await makeBaseBuild(path.join(root, `b-${label}`), label, `/previews/${name}/`);
  const lines: string[] = [];
  const result = await publishPreview({ target, name, source: build, publishSite: publish, log: (l) => lines.push(l), now, pruneDays });
  return { result, lines };
}
const served = (rel: string) => fs.readFile(path.join(target, rel), "utf8");

describe("publishPreview", () => {
  it("publishes under <target>/previews/<name>/ as a deploy target of its own, next to production", async () => {
    const { build } = await makeBuild(root, "PROD");
    await publish({ source: build, target });
    const { result, lines } = await preview("pr-1", "one");
    expect(result).toMatchObject({ name: "pr-1", url: "/previews/pr-1/", pruned: [] });

    expect(await fs.readlink(path.join(target, "previews", "pr-1"))).toBe("../preview-sites/pr-1/current");
    expect(await currentRelease(path.join(target, "preview-sites", "pr-1", "current"))).toBe(result.id);
    expect(await served("previews/pr-1/index.html")).toContain("<h1>Home one</h1>");
    expect(await served("current/index.html")).toContain("<h1>Infra Runbooks</h1>"); // production untouched
    expect(JSON.parse(await served(`preview-sites/pr-1/${PREVIEW_META}`))).toEqual({ name: "pr-1", createdAt: "2026-11-22T10:00:00.000Z", updatedAt: "2026-11-22T10:00:00.000Z" });
    expect(lines[0]).toMatch(/^preview pr-1: verified .*build.*\.runbook-smith\.json passed \(3 pages, 8 files\)$/);
    expect(lines.at(-1)).toBe("preview pr-1: published at /previews/pr-1/");
    expect((await fs.readdir(target)).sort()).toEqual(["current", "preview-sites", "previews", "releases"]);
  });

  it("an update replaces the preview atomically, keeps its first date and carries the old assets", async () => {
    const first = await preview("pr-1", "one", at(0));
    const oldCss = (await fs.readdir(path.join(target, "previews", "pr-1", "assets")))[0]!;
    const { result, lines } = await preview("pr-1", "two", at(2));
    expect(result.id).not.toBe(first.result.id);
    expect(await served("previews/pr-1/index.html")).toContain("<h1>Home two</h1>");
    expect(await listReleases(path.join(target, "preview-sites", "pr-1", "releases"))).toEqual([result.id]); // one release kept
    expect(await fs.readdir(path.join(target, "previews", "pr-1", "assets"))).toContain(oldCss); // open pages keep their CSS
    expect(await listPreviews(target)).toEqual([{ name: "pr-1", createdAt: "2026-11-22T10:00:00.000Z", updatedAt: "2026-11-24T10:00:00.000Z" }]);
    expect(lines.at(-1)).toBe("preview pr-1: updated at /previews/pr-1/");
  });

  it("refuses names that are not one plain URL segment, before touching anything", async () => {
    const { build } = await makeBaseBuild(root, "x", "/previews/x/");
    for (const name of ["../etc", "PR-1", "pr 1", "", "-pr", "pr-", "a/b", ".hidden", "x".repeat(64)]) {
      await expect(publishPreview({ target, name, source: build, publishSite: publish }), name).rejects.toThrow(
        `--preview ${JSON.stringify(name)} is not a usable preview name: it becomes the URL /previews/<name>/, so use lowercase letters, digits and dashes, starting and ending with a letter or digit, at most 63 characters.\nFix: for a pull request, use pr-<number> (for example --preview pr-42).`,
      );
    }
    expect(existsSync(target)).toBe(false);
  });

  it("refuses a failed build: no preview, no link", async () => {
    const { build } = await makeBuild(root, "bad", { marker: JSON.stringify({ generator: "runbook-smith", passed: false, pages: 1, files: 1, checks: [] }) });
    await expect(publishPreview({ target, name: "pr-9", source: build, publishSite: publish })).rejects.toThrow(/this build did not pass its checks, so it will not be published/);
    expect(existsSync(path.join(target, "previews", "pr-9"))).toBe(false);
    expect(await listPreviews(target)).toEqual([]);
  });
});

describe("removePreview and pruning", () => {
  it("removes one preview; the other and production keep serving", async () => {
    const { build } = await makeBuild(root, "PROD");
    await publish({ source: build, target });
    await preview("pr-1", "one");
    await preview("pr-2", "two");
    const lines: string[] = [];
    expect(await removePreview({ target, name: "pr-1", log: (l) => lines.push(l), now: at(0) })).toEqual({ removed: true, pruned: [] });
    expect(lines).toEqual(["preview pr-1: removed (/previews/pr-1/ no longer answers)"]);
    expect(existsSync(path.join(target, "previews", "pr-1"))).toBe(false);
    expect(await fs.readdir(path.join(target, "preview-sites"))).toEqual(["pr-2"]); // nothing half-deleted left behind
    expect(await served("previews/pr-2/index.html")).toContain("<h1>Home two</h1>");
    expect(await served("current/index.html")).toContain("<h1>Infra Runbooks</h1>");

    const again: string[] = [];
    expect(await removePreview({ target, name: "pr-1", log: (l) => again.push(l) })).toMatchObject({ removed: false });
    expect(again).toEqual(["preview pr-1: there was no such preview; nothing to remove"]);
  });

  it("removes previews not published for the given number of days, on the next deploy", async () => {
    await preview("pr-1", "one", at(0));
    await preview("pr-2", "two", at(10));
    // day 13: nothing is older than 14 days
    expect(await prunePreviews({ target, now: at(13) })).toEqual([]);
    // day 15, pr-3 published with the default (14 days): pr-1 goes, pr-2 (5 days) stays
    const { result, lines } = await preview("pr-3", "three", at(15));
    expect(result.pruned).toEqual(["pr-1"]);
    expect(lines.at(-1)).toBe("preview pr-1: removed, last published 2026-11-22 (more than 14 days ago)");
    expect((await listPreviews(target)).map((p) => p.name)).toEqual(["pr-2", "pr-3"]);
    // a shorter setting; and 0 never prunes
    expect(await prunePreviews({ target, now: at(100), pruneDays: 0 })).toEqual([]);
    expect(await prunePreviews({ target, now: at(16), pruneDays: 3 })).toEqual(["pr-2"]);
    expect(existsSync(path.join(target, "previews", "pr-2"))).toBe(false);
    await expect(prunePreviews({ target, pruneDays: -1 })).rejects.toThrow("--prune-previews-days must be a whole number of days, 0 or more (got -1).");
  });

  it("skips a preview that is being published while pruning (its deploy lock is held)", async () => {
    await preview("pr-1", "one", at(0));
    await fs.writeFile(path.join(target, "preview-sites", "pr-1", ".deploy.lock"), `${process.ppid}\n`);
    expect(await prunePreviews({ target, now: at(30) })).toEqual([]);
    await expect(removePreview({ target, name: "pr-1" })).rejects.toThrow(/^Preview pr-1 is being published right now \(pid \d+ holds .*\.deploy\.lock\)\.\nFix: wait for that deploy to finish, then remove the preview again\.$/);
    await fs.rm(path.join(target, "preview-sites", "pr-1", ".deploy.lock"));
    expect(await prunePreviews({ target, now: at(30) })).toEqual(["pr-1"]);
  });
});

describe("npm run deploy -- --preview / --remove-preview / --prune-previews", () => {
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, (l) => out.push(l), (l) => err.push(l));
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("publishes, removes and prunes from the command line", async () => {
    const { build } = await makeBaseBuild(root, "cli", "/previews/pr-5/");
    const published = await run("--target", target, "--preview", "pr-5", "--source", build);
    expect(published).toMatchObject({ code: 0, err: "" });
    expect(published.out).toContain("deploy: preview pr-5: published at /previews/pr-5/");
    expect(await served("previews/pr-5/index.html")).toContain("<h1>Home cli</h1>");

    expect(await run("--target", target, "--prune-previews")).toMatchObject({ code: 0, out: "deploy: no preview is older than 14 days; nothing removed" });
    const removed = await run("--target", target, "--remove-preview", "pr-5");
    expect(removed).toMatchObject({ code: 0, out: "deploy: preview pr-5: removed (/previews/pr-5/ no longer answers)" });
  });

  it("a production deploy prunes stale previews too", async () => {
    await preview("pr-1", "one", () => new Date(Date.now() - 20 * DAY));
    const { build } = await makeBuild(root, "PROD");
    const res = await run("--target", target, "--source", build);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/deploy: preview pr-1: removed, last published \d{4}-\d\d-\d\d \(more than 14 days ago\)/);
  });

  it("explains wrong usage without a stack trace", async () => {
    const bad = await run("--target", target, "--preview", "PR 7");
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^deploy: error: --preview "PR 7" is not a usable preview name/);
    const days = await run("--target", target, "--prune-previews", "--prune-previews-days", "two weeks");
    expect(days).toMatchObject({ code: 1, err: 'deploy: error: --prune-previews-days must be a whole number of days, 0 or more (got "two weeks").\nFix: for example --prune-previews-days 14; 0 keeps previews until they are removed.' });
    const both = await run("--target", target, "--preview", "pr-1", "--rollback");
    expect(both).toMatchObject({ code: 1, err: "deploy: error: Choose one of --preview, --remove-preview, --prune-previews and --rollback per command." });
    expect([bad.err, days.err, both.err].join("\n")).not.toMatch(/\n\s+at /);
  });
});

const haveNginx = existsSync(NGINX);
if (!haveNginx && process.env.RS_REQUIRE_E2E === "1") throw new Error(`RS_REQUIRE_E2E=1 but ${NGINX} not found: the nginx tests must run here.`);

describe.skipIf(!haveNginx)("two previews and production served by deploy/nginx.conf", () => {
  let tmp: string;
  let srv: string;
  let nginx: Nginx | undefined;
  const css: Record<string, string> = {};

  beforeAll(async () => {
    tmp = await tempDir("preview-nginx");
    srv = path.join(tmp, "srv");
    const { build } = await makeBuild(path.join(tmp, "prod"), "PROD");
    await publish({ source: build, target: srv });
    for (const [name, label] of [["pr-1", "one"], ["pr-2", "two"]] as const) {
      const b = await makeBaseBuild(path.join(tmp, name), label, `/previews/${name}/`);
      css[name] = b.cssName;
      await publishPreview({ target: srv, name, source: b.build, publishSite: publish });
    }
    nginx = await startNginx(path.join(srv, "current"), path.join(tmp, "nginx"));
  }, 30_000);

  afterAll(async () => {
    await nginx?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }, 15_000);

  const get = (url: string) => fetch(nginx!.origin + url, { redirect: "manual" });

  it("every link and asset of each preview answers 200 under its own prefix", async () => {
    for (const name of ["pr-1", "pr-2"]) {
      const prefix = `/previews/${name}/`;
      const result = await crawl(nginx!.origin, prefix, prefix);
      expect(result.outside, name).toEqual([]);
      const bad = [...result.status].filter(([, s]) => s !== 200);
      expect(bad, name).toEqual([]);
      expect([...result.status.keys()].sort(), name).toEqual(
        [prefix, `${prefix}assets/${css[name]}`, `${prefix}deploy/rollback/`, `${prefix}logo.svg`, `${prefix}queues/backlog/`, `${prefix}queues/backlog/?env=prod`].sort(),
      );
    }
    expect(await (await get("/previews/pr-1/")).text()).toContain("<h1>Home one</h1>");
    expect(await (await get("/previews/pr-2/")).text()).toContain("<h1>Home two</h1>");
    expect(await (await get("/")).text()).toContain("<h1>Infra Runbooks</h1>");
  });

  it("marks every preview response noindex, production none; same headers as production otherwise", async () => {
    const ignore = new Set(["date", "etag", "last-modified", "content-length", "x-robots-tag", "location"]);
    const headers = (res: Response) => {
      const out: Record<string, string> = {};
      res.headers.forEach((value, key) => !ignore.has(key) && (out[key] = value));
      return out;
    };
    const pairs: [prod: string, preview: string][] = [
      ["/", "/previews/pr-1/"],
      ["/queues/backlog/", "/previews/pr-1/queues/backlog/"],
      ["/no/such/page/", "/previews/pr-1/no/such/page/"],
      ["/queues/backlog", "/previews/pr-1/queues/backlog"],
    ];
    for (const [prodUrl, previewUrl] of pairs) {
      const prod = await get(prodUrl);
      const prev = await get(previewUrl);
      expect(prev.status, previewUrl).toBe(prod.status);
      expect(prod.headers.get("x-robots-tag"), prodUrl).toBeNull();
      expect(prev.headers.get("x-robots-tag"), previewUrl).toBe("noindex, nofollow");
      // every header production sends (Cache-Control, X-Content-Type-Options, any security header) is sent here too
      expect(headers(prev), previewUrl).toEqual(headers(prod));
    }
    const asset = await get(`/previews/pr-1/assets/${css["pr-1"]}`);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("x-robots-tag")).toBe("noindex, nofollow");
    expect((await get("/previews/pr-1/queues/backlog")).headers.get("location")).toBe("/previews/pr-1/queues/backlog/");
  });

  it("answers a missing preview page with that preview's 404 page; hides dotfiles, sitemaps and the list of previews", async () => {
    const missing = await get("/previews/pr-2/no/such/page/");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("<h1>Page not found two</h1>");
    for (const url of ["/previews/pr-1/.runbook-smith.json", "/previews/pr-1/.runbook-release.json", "/previews/pr-1/sitemap.xml", "/previews/", "/previews", "/preview-sites/pr-1/current/", "/previews/pr-404/"]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
    }
    expect(await (await get("/sitemap.xml")).text()).not.toContain("/previews/"); // production's sitemap never lists previews
  });

  it("removing one preview leaves the other and production serving", async () => {
    await removePreview({ target: srv, name: "pr-1" });
    expect((await get("/previews/pr-1/")).status).toBe(404);
    expect((await get(`/previews/pr-1/assets/${css["pr-1"]}`)).status).toBe(404);
    const other = await crawl(nginx!.origin, "/previews/pr-2/", "/previews/pr-2/");
    expect([...other.status].filter(([, s]) => s !== 200)).toEqual([]);
    expect(other.status.size).toBe(6);
    expect((await get("/")).status).toBe(200);
    expect((await get("/queues/backlog/")).status).toBe(200);
  });
});
