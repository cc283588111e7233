/**
 * Helpers of the preview tests: a built site in miniature under a base path (what the build
 * makes with the base path /previews/<name>/), and a crawler that follows every link and asset of
 * a served site and reports each URL's status.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { Parser } from "htmlparser2";
import { swapSymlink } from "../../lib/io/release.ts";
import { contentHash } from "./fixtures.ts";

/**
 * Writes a passing build of three pages, a 404 page, a sitemap and a fingerprinted stylesheet,
 * every link under `base` (e.g. `/previews/pr-1/`), to `<root>/.build-releases/<label>`, and
 * points `<root>/build` at it, as the build does.
 */
export async function makeBaseBuild(root: string, label: string, base: string): Promise<{ build: string; dir: string; cssName: string }> {
  const dir = path.join(root, ".build-releases", label);
  const css = `:root { --label: "${label}"; }\n${Array.from({ length: 12 }, (_, i) => `.r${i} { margin: ${i}px; }`).join("\n")}\n`;
  const cssName = `site.${contentHash(css)}.css`;
  const page = (title: string, links: string[]) =>
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title>\n` +
    `<link rel="stylesheet" href="${base}assets/${cssName}"></head>\n` +
    `<body><main data-label="${label}"><h1>${title}</h1>\n` +
    links.map((href) => `<a href="${href}">${href}</a>`).join("\n") +
    `\n<p><a href="https://github.com/example-org/infra-runbooks">source</a></p></main></body></html>\n`;
  const files: Record<string, string> = {
    "index.html": page(`Home ${label}`, [`${base}queues/backlog/`, `${base}deploy/rollback/#steps`, `${base}logo.svg`]),
    "queues/backlog/index.html": page(`Queue backlog ${label}`, [base, `${base}deploy/rollback/`]),
    "deploy/rollback/index.html": page(`Rolling back ${label}`, [base, `${base}queues/backlog/?env=prod`]),
    "404.html": page(`Page not found ${label}`, [base]),
    "logo.svg": `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>\n`,
    "sitemap.xml": `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n  <url><loc>https://runbooks.example.org${base}</loc></url>\n</urlset>\n`,
    [`assets/${cssName}`]: css,
    ".runbook-smith.json": JSON.stringify({ generator: "runbook-smith", passed: true, pages: 3, files: 8, checks: ["frontmatter", "templates", "links", "secrets"] }),
  };
  for (const [rel, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), text);
  }
  const build = path.join(root, "build");
  await swapSymlink(build, dir);
  return { build, dir, cssName };
}

/** The URLs an HTML page refers to: every href and src, and the data attributes that name assets (search). */
export function linksOf(html: string): string[] {
  const out: string[] = [];
  const parser = new Parser({
    onopentag(_name, attrs) {
      for (const a of ["href", "src", "data-index", "data-engine"]) if (attrs[a]) out.push(attrs[a]!);
    },
  });
  parser.write(html);
  parser.end();
  return out;
}

export interface Crawl {
  /** Every same-origin URL reached (path + query), with its status. */
  status: Map<string, number>;
  /** Same-origin links that leave `prefix`, as "page -> link". */
  outside: string[];
}

/**
 * Follows every same-origin link and asset from `start`, breadth first, without following
 * redirects (a 301 is reported as such). Links to other origins are not fetched.
 */
export async function crawl(origin: string, start: string, prefix: string): Promise<Crawl> {
  const status = new Map<string, number>();
  const outside: string[] = [];
  const queue = [start];
  while (queue.length) {
    const url = queue.shift()!;
    if (status.has(url)) continue;
    const res = await fetch(origin + url, { redirect: "manual" });
    status.set(url, res.status);
    const body = await res.text();
    if (!(res.headers.get("content-type") ?? "").startsWith("text/html")) continue;
    for (const link of linksOf(body)) {
      const resolved = new URL(link, origin + url);
      if (resolved.origin !== origin) continue;
      const next = resolved.pathname + resolved.search;
      if (!resolved.pathname.startsWith(prefix)) outside.push(`${url} -> ${link}`);
      else if (!status.has(next)) queue.push(next);
    }
  }
  return { status, outside };
}
