import * as fs from "node:fs/promises";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { currentRelease, listReleases, pruneReleases, swapSymlink, timestampId } from "../../lib/io/release.ts";
import { tempDir } from "./fixtures.ts";

let root: string;
beforeEach(async () => {
  root = await tempDir("release");
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function mkRelease(name: string, text = name): Promise<string> {
  const dir = path.join(root, "releases", name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, "index.html"), text);
  return dir;
}

describe("swapSymlink", () => {
  it("creates the link when it does not exist, storing a path relative to the link's directory", async () => {
    const a = await mkRelease("a");
    const link = path.join(root, "current");
    await swapSymlink(link, a);
    expect(await fs.readlink(link)).toBe(path.join("releases", "a"));
    expect(await fs.readFile(path.join(link, "index.html"), "utf8")).toBe("a");
  });

  it("accepts a target relative to the working directory, not to the link", async () => {
    const a = await mkRelease("a");
    const linkDir = path.join(root, "deep", "er");
    await fs.mkdir(linkDir, { recursive: true });
    const cwd = process.cwd();
    process.chdir(root);
    try {
      await swapSymlink(path.join("deep", "er", "site"), path.relative(root, a));
    } finally {
      process.chdir(cwd);
    }
    expect(await fs.readFile(path.join(linkDir, "site", "index.html"), "utf8")).toBe("a");
  });

  it("replaces an existing symlink (also a dangling one) and leaves no temp files", async () => {
    const a = await mkRelease("a");
    const b = await mkRelease("b");
    const link = path.join(root, "current");
    await swapSymlink(link, a);
    await swapSymlink(link, b);
    expect(await currentRelease(link)).toBe("b");
    await fs.rm(b, { recursive: true });
    await swapSymlink(link, a); // current was dangling
    expect(await currentRelease(link)).toBe("a");
    expect((await fs.readdir(root)).sort()).toEqual(["current", "releases"]);
  });

  it("moves a real directory aside the first time (documented non-atomic switch)", async () => {
    const a = await mkRelease("a");
    const link = path.join(root, "build");
    await fs.mkdir(link);
    await fs.writeFile(path.join(link, "old.html"), "old");
    await swapSymlink(link, a);
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    const aside = (await fs.readdir(root)).filter((n) => n.startsWith("build.pre-release-"));
    expect(aside).toHaveLength(1);
    expect(await fs.readFile(path.join(root, aside[0] as string, "old.html"), "utf8")).toBe("old");
  });

  it("refuses to replace a regular file, and refuses a missing or non-directory target", async () => {
    const a = await mkRelease("a");
    const file = path.join(root, "current");
    await fs.writeFile(file, "not a link");
    await expect(swapSymlink(file, a)).rejects.toThrow(/neither a symlink nor a directory/);
    expect(await fs.readFile(file, "utf8")).toBe("not a link");
    await expect(swapSymlink(path.join(root, "x"), path.join(root, "missing"))).rejects.toThrow(/does not exist/);
    await expect(swapSymlink(path.join(root, "x"), path.join(a, "index.html"))).rejects.toThrow(/not a directory/);
    expect((await fs.readdir(root)).sort()).toEqual(["current", "releases"]);
  });

  it("works when the link's directory is itself reached through a symlink", async () => {
    const a = await mkRelease("a");
    await fs.mkdir(path.join(root, "real"));
    await fs.symlink(path.join(root, "real"), path.join(root, "alias"));
    await swapSymlink(path.join(root, "alias", "current"), a);
    expect(await fs.readFile(path.join(root, "real", "current", "index.html"), "utf8")).toBe("a");
  });

  it("is atomic: concurrent readers never miss the path during 300 swaps", async () => {
    const a = await mkRelease("a", "A");
    const b = await mkRelease("b", "B");
    const link = path.join(root, "current");
    await swapSymlink(link, a);
    let swapping = true;
    let reads = 0;
    const failures: string[] = [];
    const readers = Array.from({ length: 4 }, async () => {
      while (swapping) {
        try {
          const text = await fs.readFile(path.join(link, "index.html"), "utf8");
          if (text !== "A" && text !== "B") failures.push(`read ${text}`);
          reads++;
        } catch (error) {
          failures.push(String(error));
        }
      }
    });
    for (let i = 0; i < 300; i++) await swapSymlink(link, i % 2 ? a : b);
    swapping = false;
    await Promise.all(readers);
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(100);
  });
});

describe("listReleases / pruneReleases / currentRelease", () => {
  it("lists release directories oldest first, skipping hidden, temp and plain files", async () => {
    for (const n of ["20260102T000000000Z-bbbbbbbb", "20260101T000000000Z-aaaaaaaa", ".hidden", "x.tmp-1-ab"]) await mkRelease(n);
    await fs.writeFile(path.join(root, "releases", "file.txt"), "");
    expect(await listReleases(path.join(root, "releases"))).toEqual(["20260101T000000000Z-aaaaaaaa", "20260102T000000000Z-bbbbbbbb"]);
    expect(await listReleases(path.join(root, "nope"))).toEqual([]);
  });

  it("prunes all but the newest N, never a protected one", async () => {
    for (const n of ["r1", "r2", "r3", "r4", "r5"]) await mkRelease(n);
    const removed = await pruneReleases(path.join(root, "releases"), { keep: 2, protect: ["r1"] });
    expect(removed).toEqual(["r2", "r3"]);
    expect(await listReleases(path.join(root, "releases"))).toEqual(["r1", "r4", "r5"]);
    expect(await fs.readdir(path.join(root, "releases"))).toEqual(expect.not.arrayContaining([expect.stringMatching(/tmp/)]));
  });

  it("currentRelease is undefined for a missing link or a real directory", async () => {
    expect(await currentRelease(path.join(root, "current"))).toBeUndefined();
    await fs.mkdir(path.join(root, "dir"));
    expect(await currentRelease(path.join(root, "dir"))).toBeUndefined();
  });

  it("timestampId is fixed-width UTC and sorts chronologically", () => {
    expect(timestampId(new Date("2026-11-22T20:15:30.123Z"))).toBe("20261122T201530123Z");
    expect(timestampId(new Date("2026-01-02T03:04:05.006Z")) < timestampId(new Date("2026-01-02T03:04:05.007Z"))).toBe(true);
  });
});
