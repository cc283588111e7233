/**
 * Fixture site trees for the deploy tests: what `npm run build` produces, in
 * miniature. Each tree has a `.runbook-smith.json`, pretty-URL pages linking a
 * fingerprinted `/assets/site.<hash>.css` (hash = first 10 hex of the sha256 of
 * its bytes, like the build's), a JS file, 404.html, sitemap.xml, a JSON file
 * and an un-fingerprinted SVG. Files are > 256 bytes where gzip is tested.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { swapSymlink } from "../../lib/io/release.ts";

export const PAGES = ["/", "/queues/backlog/", "/deploy/rollback/"] as const;

export interface FixtureSite {
  dir: string;
  label: string;
  cssName: string;
  jsName: string;
}

export function contentHash(data: string | Buffer, length = 10): string {
  return createHash("sha256").update(data).digest("hex").slice(0, length);
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `rbs-${prefix}-`));
}

export interface MakeSiteOptions {
  /** Contents of .runbook-smith.json; null = do not write it. Default: a passing marker. */
  marker?: string | null;
}

export async function makeSite(dir: string, label: string, options: MakeSiteOptions = {}): Promise<FixtureSite> {
  const filler = Array.from({ length: 12 }, (_, i) => `/* rule ${i} for release ${label} */ .r${i} { margin: ${i}px; }`).join("\n");
  const css = `:root { --release: "${label}"; }\nbody { font-family: sans-serif; }\n${filler}\n`;
  const js = `// release ${label}\n${Array.from({ length: 12 }, (_, i) => `export const step${i} = "release ${label} step ${i}";`).join("\n")}\n`;
  const cssName = `site.${contentHash(css)}.css`;
  const jsName = `site.${contentHash(js)}.js`;

  const page = (title: string) =>
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>\n` +
    `<link rel="stylesheet" href="/assets/${cssName}">\n<script type="module" src="/assets/${jsName}"></script></head>\n` +
    `<body><main data-release="${label}"><h1>${title}</h1>\n<p>Release ${label}.</p>\n` +
    Array.from({ length: 10 }, (_, i) => `<p>Step ${i}: check the dashboard, then run the command for release ${label}.</p>`).join("\n") +
    `\n</main></body></html>\n`;

  const files: Record<string, string> = {
    "index.html": page("Infra Runbooks"),
    "queues/backlog/index.html": page("Queue backlog"),
    "deploy/rollback/index.html": page("Rolling back a deploy"),
    "404.html": page("Page not found"),
    "sitemap.xml":
      `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n` +
      PAGES.map((p) => `  <url><loc>https://runbooks.example.org${p}</loc></url>`).join("\n") +
      `\n</urlset>\n`,
    "search-index.json": JSON.stringify({
      release: label,
      docs: Array.from({ length: 12 }, (_, i) => ({ id: i, url: PAGES[i % PAGES.length], title: `Page ${i} of release ${label}` })),
    }),
    [`assets/${cssName}`]: css,
    [`assets/${jsName}`]: js,
    "assets/logo.svg":
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">\n` +
      Array.from({ length: 8 }, (_, i) => `  <circle cx="${10 + i * 10}" cy="50" r="${i + 2}" fill="#${(i * 2).toString(16)}${i}${i}"/>`).join("\n") +
      `\n</svg>\n`,
  };
  const marker =
    options.marker === undefined
      ? JSON.stringify({ generator: "runbook-smith", passed: true, pages: 4, files: Object.keys(files).length, checks: ["frontmatter", "templates", "links", "secrets"] })
      : options.marker;
  if (marker !== null) files[".runbook-smith.json"] = marker;

  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
  return { dir, label, cssName, jsName };
}

/**
 * Like the core build: writes the tree to `<root>/.build-releases/<label>` and
 * swaps the `<root>/build` symlink to it. Returns the symlink path and the site.
 */
export async function makeBuild(root: string, label: string, options: MakeSiteOptions = {}): Promise<{ build: string; site: FixtureSite }> {
  const dir = path.join(root, ".build-releases", label);
  const site = await makeSite(dir, label, options);
  const build = path.join(root, "build");
  await swapSymlink(build, dir);
  return { build, site };
}

export async function readTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(rel: string): Promise<void> {
    for (const entry of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else out[child] = await fs.readFile(path.join(dir, child), "utf8");
    }
  }
  await walk("");
  return out;
}
