/**
 * deploy/nginx.conf, for real: Debian's nginx serves <target>/current from a
 * temp dir on 127.0.0.1:<free port>, and the test checks URLs, status codes,
 * headers, and that pages and their CSS stay consistent while releases are
 * published and rolled back under load.
 *
 * Needs /usr/sbin/nginx (apt-get install nginx-light) or NGINX_BIN=<path>;
 * only the end-to-end part is skipped without it.
 */
import { existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as http from "node:http";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publish } from "../../scripts/deploy/publish.ts";
import { rollback } from "../../scripts/deploy/rollback.ts";
import { contentHash, type FixtureSite, makeBuild, makeSite, PAGES, tempDir } from "./fixtures.ts";
import { NGINX, startNginx, type Nginx } from "../helpers/nginx.ts";
import { EXPECTED_MARKERS, NGINX_CONF, renderNginxConf } from "./nginx-config.ts";

const haveNginx = existsSync(NGINX);
// In CI (.ci/run sets RS_REQUIRE_E2E=1) a missing nginx is a failure, never a skip.
if (!haveNginx && process.env.RS_REQUIRE_E2E === "1") throw new Error(`RS_REQUIRE_E2E=1 but ${NGINX} not found: the nginx tests must run here.`);
if (!haveNginx) {
  console.warn(`nginx.test.ts: ${NGINX} not found, skipping the end-to-end nginx tests. Install it: apt-get install -y nginx-light (or set NGINX_BIN).`);
}

describe("deploy/nginx.conf (text)", () => {
  it("is a complete, self-contained config whose only site value is the root", async () => {
    const conf = await fs.readFile(NGINX_CONF, "utf8");
    const directives = conf.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
    expect(directives).toContain("events {");
    expect(directives).toContain("http {");
    // production's root is <deploy root>/current; previews are served from the deploy root itself
    expect(directives.filter((d) => d.startsWith("root "))).toEqual(["root /srv/runbooks/current;", "root /srv/runbooks;"]);
    expect(directives.some((d) => /^(daemon|user)\b/.test(d))).toBe(false); // tests pass -g 'daemon off;'
    // Self-contained but for the build's redirect list, read from the published site itself.
    expect(directives.filter((d) => /^include\b/.test(d))).toEqual(["include /srv/runbooks/current/.nginx-redirect[s].map;"]);
    for (const d of ["charset utf-8;", "disable_symlinks off;", "gzip on;", "error_page 404 /404.html;", "location ~ /\\. {", "index index.html;"]) {
      expect(directives).toContain(d);
    }
    expect(conf).toMatch(/add_header Cache-Control "public, max-age=31536000, immutable";/);
    expect(conf).toMatch(/add_header Cache-Control "no-cache" always;/);
    const gzipTypes = directives.find((d) => d.startsWith("gzip_types")) ?? "";
    for (const type of ["text/css", "application/javascript", "application/json", "application/xml", "image/svg+xml"]) expect(gzipTypes).toContain(type);
    // the dotfile rule must come before the assets regex (first matching regex wins)
    expect(conf.indexOf("location ~ /\\.")).toBeLessThan(conf.indexOf("location ~ \"^/assets/"));
  });

  it("marks exactly the machine-local lines for substitution", async () => {
    const rendered = renderNginxConf(await fs.readFile(NGINX_CONF, "utf8"), { root: "/r/current", port: 1234, prefix: "/p" });
    expect(rendered).toContain("root /r/current;");
    expect(rendered).toContain("listen 127.0.0.1:1234 default_server;");
    expect(rendered).toContain("client_body_temp_path /p/tmp/client_body;");
    const directives = rendered.split("\n").map((l) => l.replace(/#.*/, "")).join("\n");
    expect(directives).not.toMatch(/\/var\/|\/run\/|\/srv\//);
    expect(rendered.split("\n").filter((l) => /;\s*# subst:/.test(l))).toEqual([]);
    expect(rendered).toContain("root /r;"); // the previews' root: the deploy root
    expect(Object.values(EXPECTED_MARKERS).reduce((a, b) => a + b)).toBe(12);
  });
});

describe.skipIf(!haveNginx)(`nginx end to end (skipped only when ${NGINX} is not installed)`, () => {
  let tmp: string;
  let target: string;
  let prefix: string;
  let port: number;
  let nginx: Nginx | undefined;
  let siteA: FixtureSite;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  beforeAll(async () => {
    tmp = await tempDir("nginx");
    target = path.join(tmp, "srv");
    prefix = path.join(tmp, "nginx");
    const { build, site } = await makeBuild(tmp, "A");
    siteA = site;
    await publish({ source: build, target });

    nginx = await startNginx(path.join(target, "current"), prefix);
    port = nginx.port;
  }, 20_000);

  afterAll(async () => {
    agent.destroy();
    await nginx?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  }, 15_000);

  const get = (urlPath: string, headers: http.OutgoingHttpHeaders = {}) => request(port, urlPath, headers, agent);

  it("serves pretty URLs: with the slash directly, without it by a 301 to the slash", async () => {
    const page = await get("/queues/backlog/");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body.toString()).toContain("<h1>Queue backlog</h1>");

    const bare = await get("/queues/backlog");
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe("/queues/backlog/");
    expect((await get("/queues/backlog?from=search")).headers.location).toBe("/queues/backlog/?from=search");

    expect((await get("/")).body.toString()).toContain("<h1>Infra Runbooks</h1>");
    expect((await get("/queues/backlog/index.html")).status).toBe(200);
  });

  it("answers unknown paths with the site's 404.html and status 404", async () => {
    for (const url of ["/no/such/page/", "/no-such-page", "/assets/site.0123456789.css", "/assets/"]) {
      const res = await get(url);
      expect(res.status, url).toBe(404);
      expect(res.body.toString(), url).toContain("<h1>Page not found</h1>");
      expect(res.headers["cache-control"], url).toBe("no-cache"); // a missing asset is never cached as immutable
    }
  });

  it("gzips html, css, js, json, xml and svg", async () => {
    const urls = ["/queues/backlog/", `/assets/${siteA.cssName}`, `/assets/${siteA.jsName}`, "/search-index.json", "/sitemap.xml", "/assets/logo.svg"];
    for (const url of urls) {
      const zipped = await get(url, { "accept-encoding": "gzip" });
      expect(zipped.status, url).toBe(200);
      expect(zipped.headers["content-encoding"], url).toBe("gzip");
      expect(zipped.headers.vary, url).toBe("Accept-Encoding");
      const plain = await get(url);
      expect(plain.headers["content-encoding"], url).toBeUndefined();
      expect(gunzipSync(zipped.body).equals(plain.body), url).toBe(true);
    }
  });

  it("sends no-cache for HTML, sitemap and JSON, and immutable for fingerprinted assets", async () => {
    for (const url of [...PAGES, "/sitemap.xml", "/search-index.json", "/assets/logo.svg"]) {
      expect((await get(url)).headers["cache-control"], url).toBe("no-cache");
    }
    for (const url of [`/assets/${siteA.cssName}`, `/assets/${siteA.jsName}`]) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers["cache-control"], url).toBe("public, max-age=31536000, immutable");
    }
    expect((await get(`/assets/${siteA.cssName}`)).headers["content-type"]).toBe("text/css; charset=utf-8");
  });

  it("never serves dotfiles", async () => {
    await fs.access(path.join(target, "current", ".runbook-smith.json")); // they do exist in the tree
    for (const url of ["/.runbook-smith.json", "/.runbook-release.json", "/.deploy.lock", "/assets/.hidden.css", "/queues/.git/config", "/%2Erunbook-smith.json"]) {
      const res = await get(url);
      expect([403, 404], url).toContain(res.status);
      expect(res.body.toString(), url).not.toContain('"generator"');
    }
  });

  it("keeps every page consistent with its CSS while releases are published and rolled back under load", async () => {
    const TOTAL = 3000; // requests: pages + their CSS
    const HARD_CAP = 12_000;
    const TIME_CAP_MS = 20_000;
    const CONCURRENCY = 8;
    // Built before the traffic starts (as `npm run build` would have); only publishing happens under load.
    const buildB = path.join(tmp, ".build-releases", "B");
    const buildC = path.join(tmp, ".build-releases", "C");
    await makeSite(buildB, "B");
    await makeSite(buildC, "C");
    const errorLogBefore = (await fs.readFile(path.join(prefix, "logs", "error.log"), "utf8").catch(() => "")).length;

    let sent = 0;
    let pagesFetched = 0;
    let cssFetched = 0;
    const failures: string[] = [];
    const seen: Record<string, number> = {};
    const switches: string[] = [];
    let controllerDone = false;
    const started = Date.now();

    const untilSent = async (n: number) => {
      while (sent < n && Date.now() - started < TIME_CAP_MS) await new Promise((r) => setTimeout(r, 1));
    };
    const controller = (async () => {
      try {
        await untilSent(200);
        await publish({ source: buildB, target });
        switches.push(`publish B at ${sent}`);
        await untilSent(Math.max(700, sent + 300)); // let each release serve traffic
        const back = await rollback({ target });
        switches.push(`rollback ${back.from.slice(-8)} -> ${back.to.slice(-8)} at ${sent}`);
        await untilSent(Math.max(1200, sent + 300)); // let each release serve traffic
        await publish({ source: buildC, target });
        switches.push(`publish C at ${sent}`);
        await untilSent(Math.max(1700, sent + 300)); // let each release serve traffic
        const back2 = await rollback({ target });
        switches.push(`rollback ${back2.from.slice(-8)} -> ${back2.to.slice(-8)} at ${sent}`);
      } finally {
        controllerDone = true;
      }
    })();

    const keepGoing = () => (sent < TOTAL || !controllerDone) && sent < HARD_CAP && Date.now() - started < TIME_CAP_MS;
    const worker = async (w: number) => {
      for (let i = w; keepGoing(); i += CONCURRENCY) {
        const url = PAGES[i % PAGES.length] as string;
        const gzip = i % 2 === 0;
        sent++;
        let page;
        try {
          page = await request(port, url, gzip ? { "accept-encoding": "gzip" } : {}, agent);
        } catch (error) {
          failures.push(`${url}: ${String(error)}`);
          continue;
        }
        pagesFetched++;
        if (page.status !== 200) {
          failures.push(`${url}: status ${page.status}`);
          continue;
        }
        const html = decode(page).toString();
        const label = /data-release="([^"]+)"/.exec(html)?.[1];
        const css = /href="\/assets\/(site\.([0-9a-f]{8,16})\.css)"/.exec(html);
        if (!label || !css) {
          failures.push(`${url}: page without release label or stylesheet link`);
          continue;
        }
        seen[label] = (seen[label] ?? 0) + 1;
        const [, cssName, cssHash] = css as unknown as [string, string, string];
        sent++;
        try {
          const res = await request(port, `/assets/${cssName}`, gzip ? { "accept-encoding": "gzip" } : {}, agent);
          cssFetched++;
          if (res.status !== 200) {
            failures.push(`/assets/${cssName} (linked from release ${label}): status ${res.status}`);
            continue;
          }
          const body = decode(res);
          if (contentHash(body, cssHash.length) !== cssHash) failures.push(`/assets/${cssName}: body does not match its name's hash`);
          if (!body.toString().includes(`--release: "${label}"`)) failures.push(`/assets/${cssName}: CSS of another release than its page (${label})`);
        } catch (error) {
          failures.push(`/assets/${cssName}: ${String(error)}`);
        }
      }
    };
    await Promise.all([...Array.from({ length: CONCURRENCY }, (_, w) => worker(w)), controller]);
    const seconds = (Date.now() - started) / 1000;

    const summary =
      `nginx e2e load: ${sent} requests (${pagesFetched} pages + ${cssFetched} CSS), ${failures.length} failed, ` +
      `concurrency ${CONCURRENCY}, ${seconds.toFixed(2)} s (${Math.round(sent / seconds)} req/s); ` +
      `pages per release ${JSON.stringify(seen)}; switches: ${switches.join(", ")}`;
    console.log(summary);

    expect(failures.slice(0, 10), summary).toEqual([]);
    expect(switches, summary).toHaveLength(4);
    expect(sent).toBeGreaterThanOrEqual(TOTAL);
    expect(Object.keys(seen).sort(), summary).toEqual(["A", "B", "C"]);
    const errorLog = (await fs.readFile(path.join(prefix, "logs", "error.log"), "utf8").catch(() => "")).slice(errorLogBefore);
    expect(errorLog).not.toMatch(/\[(error|crit|alert|emerg)\]/);
    // the last rollback went C -> B: B is live and still serves C's CSS for open C pages
    expect((await request(port, "/", {}, agent)).body.toString()).toContain('data-release="B"');
  }, 30_000);
});

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(port: number, urlPath: string, headers: http.OutgoingHttpHeaders, agent?: http.Agent): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: urlPath, headers, agent, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out after 5 s")));
    req.on("error", reject);
  });
}

function decode(res: Response): Buffer {
  return res.headers["content-encoding"] === "gzip" ? gunzipSync(res.body) : res.body;
}

