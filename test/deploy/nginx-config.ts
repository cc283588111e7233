/**
 * Turns deploy/nginx.conf into a config a test can run: replaces exactly the
 * lines marked `# subst:<name>` (root, listen, pid, logs, temp dirs) and keeps
 * every other line verbatim.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const NGINX_CONF = fileURLToPath(new URL("../../deploy/nginx.conf", import.meta.url));

/** How many lines of each kind the template must mark. */
export const EXPECTED_MARKERS: Record<string, number> = { root: 1, deploy_root: 1, listen: 1, pid: 1, error_log: 1, access_log: 1, temp: 5, redirects: 1 };

export interface RenderOptions {
  root: string;
  /** The deploy root, for /previews/ (default: the parent of `root`, which is <deploy root>/current). */
  deployRoot?: string;
  port: number;
  /** nginx -p prefix: gets logs/, tmp/ and the pid file. */
  prefix: string;
  /** Add `user root;` (only in this test copy): needed when the test runs as root. */
  userRoot?: boolean;
  /**
   * The site is in a sub-folder of `root` served under this base path (`/infra-runbooks/`): the
   * error_page lines name its 404 page, as a host serving a site under a sub-path must.
   */
  base?: string;
}

export function renderNginxConf(template: string, options: RenderOptions): string {
  const seen: Record<string, number> = {};
  const lines = template.split("\n").map((line) => {
    const match = /^(\s*)(\S+)(.*?);\s*# subst:([a-z_]+)\s*$/.exec(line);
    if (!match) return line;
    const [, indent, directive, , name] = match as unknown as [string, string, string, string, string];
    seen[name] = (seen[name] ?? 0) + 1;
    switch (name) {
      case "root":
        return `${indent}root ${options.root};`;
      case "deploy_root":
        return `${indent}root ${options.deployRoot ?? path.dirname(options.root)};`;
      case "listen":
        return `${indent}listen 127.0.0.1:${options.port} default_server;`;
      case "pid":
        return `${indent}pid ${path.join(options.prefix, "nginx.pid")};`;
      case "error_log":
        return `${indent}error_log ${path.join(options.prefix, "logs", "error.log")} warn;`;
      case "access_log":
        return `${indent}access_log ${path.join(options.prefix, "logs", "access.log")};`;
      case "redirects":
        return `${indent}include ${path.join(options.root, ".nginx-redirect[s].map")};`;
      case "temp":
        return `${indent}${directive} ${path.join(options.prefix, "tmp", directive.replace(/_temp_path$/, ""))};`;
      default:
        throw new Error(`deploy/nginx.conf: unknown marker "# subst:${name}" in: ${line}`);
    }
  });
  for (const [name, count] of Object.entries(EXPECTED_MARKERS)) {
    if (seen[name] !== count) {
      throw new Error(`deploy/nginx.conf must mark ${count} line(s) with "# subst:${name}", found ${seen[name] ?? 0}`);
    }
  }
  let body = lines.join("\n");
  if (options.base) body = body.replace(/^(\s*error_page\s[^;]*?)\/404\.html;/gm, `$1${options.base}404.html;`);
  return options.userRoot ? `user root; # test copy only: the test runs as root and its temp dirs are 0700\n${body}` : body;
}

export async function writeTestConf(options: RenderOptions): Promise<string> {
  const conf = renderNginxConf(await fs.readFile(NGINX_CONF, "utf8"), options);
  for (const dir of ["logs", "tmp"]) await fs.mkdir(path.join(options.prefix, dir), { recursive: true });
  const file = path.join(options.prefix, "nginx.conf");
  await fs.writeFile(file, conf);
  return file;
}
