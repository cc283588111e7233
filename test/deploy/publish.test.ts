import { spawnSync } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { currentRelease, listReleases } from "../../lib/io/release.ts";
import { main } from "../../scripts/deploy.ts";
import { RELEASE_MANIFEST } from "../../scripts/deploy/assets.ts";
import { DeployError } from "../../scripts/deploy/errors.ts";
import { publish } from "../../scripts/deploy/publish.ts";
import { rollback } from "../../scripts/deploy/rollback.ts";
import { type FixtureSite, makeBuild, makeSite, readTree, tempDir } from "./fixtures.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const RELEASE_ID = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/;

let root: string;
let target: string;
beforeEach(async () => {
  root = await tempDir("publish");
  target = path.join(root, "srv");
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** A fixed, advancing clock so ids are predictable. */
function clock(start = Date.parse("2026-11-22T10:00:00.000Z"), stepMs = 60_000): () => Date {
  let t = start - stepMs;
  return () => new Date((t += stepMs));
}

async function publishLabel(label: string, extra: { keep?: number; now?: () => Date } = {}) {
  const { build, site } = await makeBuild(root, label);
  const lines: string[] = [];
  const result = await publish({ source: build, target, log: (l) => lines.push(l), ...extra });
  return { result, site, lines };
}

const current = () => currentRelease(path.join(target, "current"));
const releases = () => listReleases(path.join(target, "releases"));
const assetsOf = async (id: string) => (await fs.readdir(path.join(target, "releases", id, "assets"))).sort();
const servedIndex = () => fs.readFile(path.join(target, "current", "index.html"), "utf8");

describe("publish", () => {
  it("copies the resolved build into releases/<id>, switches current, and logs one line per action", async () => {
    const { result, site, lines } = await publishLabel("A");
    expect(result.id).toMatch(RELEASE_ID);
    expect(await releases()).toEqual([result.id]);
    expect(await current()).toBe(result.id);
    expect(await fs.readlink(path.join(target, "current"))).toBe(path.join("releases", result.id));

    const published = await readTree(path.join(target, "releases", result.id));
    const built = await readTree(site.dir);
    const { [RELEASE_MANIFEST]: manifest, ...copied } = published;
    expect(copied).toEqual(built); // byte-for-byte, marker included
    expect(JSON.parse(manifest as string)).toMatchObject({ id: result.id, ownAssets: [`assets/${site.cssName}`, `assets/${site.jsName}`].sort() });
    expect(await fs.readdir(target)).toEqual(expect.arrayContaining(["current", "releases"]));
    expect((await fs.readdir(target)).filter((n) => n !== "current" && n !== "releases")).toEqual([]); // lock released

    // readable by nginx workers running as another user, whatever modes the build used
    const releaseDir = path.join(target, "releases", result.id);
    expect((await fs.stat(releaseDir)).mode & 0o777).toBe(0o755);
    expect((await fs.stat(path.join(releaseDir, "queues", "backlog"))).mode & 0o777).toBe(0o755);
    expect((await fs.stat(path.join(releaseDir, "assets", site.cssName))).mode & 0o777).toBe(0o644);

    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^verified .*build \(-> .*\.build-releases\/A\): \.runbook-smith\.json passed \(4 pages, 10 files\)$/);
    expect(lines[1]).toMatch(/^copied 10 files to .*releases\/\d{8}T/);
    expect(lines[2]).toBe("no earlier releases: no assets to carry over");
    expect(lines[3]).toMatch(/^switched .*\/current -> releases\/\S+ \(first release\)$/);
  });

  it("carries the previous releases' fingerprinted assets into the new one (pages still open can load their CSS)", async () => {
    const a = await publishLabel("A");
    const b = await publishLabel("B");
    expect(b.site.cssName).not.toBe(a.site.cssName);
    expect(await current()).toBe(b.result.id);
    expect(await servedIndex()).toContain("Release B.");
    expect(await assetsOf(b.result.id)).toEqual([a.site.cssName, a.site.jsName, b.site.cssName, b.site.jsName, "logo.svg"].sort());
    // carried files are identical to the originals (hardlinked or copied)
    const carried = await fs.readFile(path.join(target, "current", "assets", a.site.cssName), "utf8");
    expect(carried).toBe(await fs.readFile(path.join(a.site.dir, "assets", a.site.cssName), "utf8"));
    expect(b.result.carried).toBe(2);
    expect(b.lines[2]).toMatch(/^carried 2 fingerprinted asset\(s\) from 1 earlier release\(s\)/);
    expect(b.lines[3]).toMatch(new RegExp(`\\(was ${a.result.id}\\)$`));
    // the manifest remembers only the release's own assets, so carrying does not snowball
    const manifest = JSON.parse(await fs.readFile(path.join(target, "current", RELEASE_MANIFEST), "utf8"));
    expect(manifest.ownAssets).toEqual([`assets/${b.site.cssName}`, `assets/${b.site.jsName}`].sort());
  });

  it("keeps the last 5 releases, and carries assets only from the ones it keeps", async () => {
    const now = clock();
    const published: { id: string; site: FixtureSite; removed: string[] }[] = [];
    for (const label of ["r1", "r2", "r3", "r4", "r5", "r6", "r7"]) {
      const { result, site, lines } = await publishLabel(label, { now });
      published.push({ id: result.id, site, removed: result.removed });
      if (result.removed.length > 0) expect(lines.at(-1)).toMatch(/^removed old release .* \(keeping the newest 5\)$/);
    }
    const ids = published.map((p) => p.id);
    expect(ids).toEqual([...ids].sort()); // ids sort in publish order
    expect(await releases()).toEqual(ids.slice(2));
    expect(await current()).toBe(ids[6]);
    expect(published[5]?.removed).toEqual([ids[0]]);
    expect(published[6]?.removed).toEqual([ids[1]]);
    const newest = await assetsOf(ids[6] as string);
    const cssOf = (i: number) => published[i]?.site.cssName as string;
    for (const i of [2, 3, 4, 5, 6]) expect(newest).toContain(cssOf(i));
    for (const i of [0, 1]) expect(newest).not.toContain(cssOf(i));
  });

  it("honours --keep and gives unique, sorted ids even for the same build at the same instant", async () => {
    const frozen = () => new Date("2026-11-22T10:00:00.000Z");
    const { build } = await makeBuild(root, "same");
    const r1 = await publish({ source: build, target, now: frozen, keep: 2 });
    const r2 = await publish({ source: build, target, now: frozen, keep: 2 });
    const r3 = await publish({ source: build, target, now: frozen, keep: 2 });
    expect(new Set([r1.id, r2.id, r3.id]).size).toBe(3);
    expect([r1.id, r2.id, r3.id]).toEqual([r1.id, r2.id, r3.id].sort());
    expect(r1.id.slice(-8)).toBe(r3.id.slice(-8)); // same content hash
    expect(await releases()).toEqual([r2.id, r3.id]);
    await expect(publish({ source: build, target, keep: 0 })).rejects.toThrow(/--keep must be a whole number/);
  });

  it("after a rollback, the next publish still carries the assets of the release that was live", async () => {
    const now = clock();
    const a = await publishLabel("A", { now, keep: 2 });
    const b = await publishLabel("B", { now, keep: 2 });
    const c = await publishLabel("C", { now, keep: 2 });
    expect(await releases()).toEqual([b.result.id, c.result.id]);
    await rollback({ target }); // live: B
    const d = await publishLabel("D", { now, keep: 2 });
    expect(await releases()).toEqual([c.result.id, d.result.id]);
    expect(d.result.removed).toEqual([b.result.id]);
    const assets = await assetsOf(d.result.id);
    expect(assets).toEqual(expect.arrayContaining([b.site.cssName, c.site.cssName, d.site.cssName]));
    expect(assets).not.toContain(a.site.cssName);
  });
});

describe("rollback", () => {
  it("switches current to the release before it, carrying newer assets back, until there is none older", async () => {
    const now = clock();
    const a = await publishLabel("A", { now });
    const b = await publishLabel("B", { now });
    const c = await publishLabel("C", { now });
    const lines: string[] = [];

    const first = await rollback({ target, log: (l) => lines.push(l) });
    expect(first).toEqual({ from: c.result.id, to: b.result.id, carried: 2 }); // C's css+js (A's are already in B)
    expect(await current()).toBe(b.result.id);
    expect(await servedIndex()).toContain("Release B.");
    // a page of C that is still open can load C's CSS from B
    expect(await assetsOf(b.result.id)).toEqual(expect.arrayContaining([c.site.cssName, c.site.jsName]));
    expect(lines).toEqual([
      expect.stringMatching(/^carried \d+ fingerprinted asset\(s\) from 2 other release\(s\) into /),
      `rolled back ${path.join(target, "current")} -> releases/${b.result.id} (was ${c.result.id})`,
    ]);
    expect(await releases()).toEqual([a.result.id, b.result.id, c.result.id]); // nothing deleted

    await rollback({ target });
    expect(await current()).toBe(a.result.id);
    await expect(rollback({ target })).rejects.toThrow(/is the oldest one kept; there is nothing older to roll back to/);

    await rollback({ target, to: c.result.id });
    expect(await current()).toBe(c.result.id);
    await expect(rollback({ target, to: "nope" })).rejects.toThrow(/There is no release nope[\s\S]*<- current[\s\S]*--to <id>/);
    await expect(rollback({ target, to: c.result.id })).rejects.toThrow(/already the current release/);
  });

  it("explains that nothing is published yet, without creating anything", async () => {
    await expect(rollback({ target })).rejects.toThrow(/does not exist, so there is nothing to roll back[\s\S]*Check --target/);
    await expect(fs.access(target)).rejects.toThrow();
    await fs.mkdir(target);
    await expect(rollback({ target })).rejects.toThrow(/Nothing is published at .*publish first/is);
    expect(await fs.readdir(target)).toEqual([]);
  });
});

describe("refusals: nothing is published and nothing in the target changes", () => {
  const cases: [string, (dir: string) => Promise<string>, RegExp][] = [
    ["a missing source", async (dir) => path.join(dir, "build"), /Nothing to publish: .*build does not exist\.\nFix: run `npm run build` first/],
    [
      "a dangling build symlink",
      async (dir) => {
        await fs.symlink(path.join(dir, "gone"), path.join(dir, "build"));
        return path.join(dir, "build");
      },
      /symlink to a directory that no longer exists/,
    ],
    [
      "an empty source",
      async (dir) => {
        await fs.mkdir(path.join(dir, "build"));
        return path.join(dir, "build");
      },
      /Nothing to publish: .* is empty/,
    ],
    ["a tree without .runbook-smith.json", async (dir) => (await makeBuild(dir, "x", { marker: null })).build, /has no \.runbook-smith\.json, so it is not the output of a successful build[\s\S]*Fix: run `npm run build`/],
    [
      "a build whose checks failed",
      async (dir) => (await makeBuild(dir, "x", { marker: JSON.stringify({ generator: "runbook-smith", passed: false, pages: 1, files: 1, checks: [] }) })).build,
      /says passed: false: this build did not pass its checks[\s\S]*Fix: run `npm run check`/,
    ],
    ["a marker that is not JSON", async (dir) => (await makeBuild(dir, "x", { marker: "{oops" })).build, /is not valid JSON/],
    [
      "a marker from another generator",
      async (dir) => (await makeBuild(dir, "x", { marker: JSON.stringify({ generator: "hugo", passed: true, pages: 1, files: 1, checks: [] }) })).build,
      /was not written by runbook-smith/,
    ],
    [
      "a tree without index.html",
      async (dir) => {
        const { build } = await makeBuild(dir, "x");
        await fs.rm(path.join(build, "index.html"));
        return build;
      },
      /has no index\.html/,
    ],
    [
      "a tree containing a symlink",
      async (dir) => {
        const { build } = await makeBuild(dir, "x");
        await fs.symlink("/etc/passwd", path.join(build, "passwd.txt"));
        return build;
      },
      /passwd\.txt is a symlink; a published site must contain only plain files/,
    ],
  ];

  for (const [name, setup, message] of cases) {
    it(`refuses ${name}`, async () => {
      const source = await setup(root);
      const error = await publish({ source, target }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeployError);
      expect((error as Error).message).toMatch(message);
      expect(await fs.readdir(target).catch(() => [])).toEqual([]);
      expect(await releases()).toEqual([]);
    });
  }

  it("refuses while another live deploy holds the lock, and clears a stale lock", async () => {
    const { build } = await makeBuild(root, "A");
    await fs.mkdir(target, { recursive: true });
    await fs.writeFile(path.join(target, ".deploy.lock"), `${process.ppid}\n`);
    await expect(publish({ source: build, target })).rejects.toThrow(/Another deploy \(pid \d+\) is running/);
    await fs.writeFile(path.join(target, ".deploy.lock"), "999999999\n");
    await publish({ source: build, target });
    expect(await releases()).toHaveLength(1);
  });
});

describe("CLI", () => {
  async function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, (l) => out.push(l), (l) => err.push(l));
    return { code, out, err: err.join("\n") };
  }

  it("publishes, rolls back, and prints one 'deploy:' line per action", async () => {
    const { build } = await makeBuild(root, "A");
    expect((await run(["--target", target, "--source", build])).code).toBe(0);
    await makeBuild(root, "B");
    const second = await run(["--target", target, "--source", build]);
    expect(second.code).toBe(0);
    expect(second.out).toHaveLength(4);
    for (const line of second.out) expect(line).toMatch(/^deploy: /);
    const back = await run(["--target", target, "--rollback"]);
    expect(back.code).toBe(0);
    expect(back.out.at(-1)).toMatch(/^deploy: rolled back /);
    expect(await servedIndex()).toContain("Release A.");
  });

  it("exits 1 with the problem and the fix, without a stack trace", async () => {
    const missing = await run(["--target", target, "--source", path.join(root, "nope")]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^deploy: error: Nothing to publish: .*\nFix: /);
    expect(missing.err).not.toMatch(/\n\s+at /);

    const noTarget = await run(["--source", "build"]);
    expect(noTarget.code).toBe(1);
    expect(noTarget.err).toMatch(/--target <dir> is required[\s\S]*Usage:/);

    const unknown = await run(["--target", target, "--frobnicate"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/Unknown option '--frobnicate'[\s\S]*Usage:/);

    expect((await run(["--target", target, "--to", "x"])).err).toMatch(/--to only makes sense with --rollback/);
    expect((await run(["--help"])).code).toBe(0);
  });

  it("runs as `tsx scripts/deploy.ts` (what `npm run deploy` runs) with the right exit codes", async () => {
    const tsx = path.join(repoRoot, "node_modules", ".bin", "tsx");
    const script = path.join(repoRoot, "scripts", "deploy.ts");
    const refused = spawnSync(tsx, [script, "--target", target, "--source", path.join(root, "build")], { encoding: "utf8" });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/deploy: error: Nothing to publish/);

    await makeBuild(root, "A");
    const ok = spawnSync(tsx, [script, "--target", target, "--source", path.join(root, "build")], { encoding: "utf8" });
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().split("\n")).toHaveLength(4);
    expect(await servedIndex()).toContain("Release A.");
  }, 30_000);
});

// Keep the fixture helper honest: sanity-check the tree it generates.
it("fixture sites name their CSS by its content hash", async () => {
  const site = await makeSite(path.join(root, "s"), "Z");
  const css = await fs.readFile(path.join(site.dir, "assets", site.cssName));
  const { contentHash } = await import("./fixtures.ts");
  expect(site.cssName).toBe(`site.${contentHash(css)}.css`);
});
