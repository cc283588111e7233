/** The published tree: where the built site really is, its files, their hash, and copying it into a release. */
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { killPoint } from "../../lib/io/kill-point.ts";
import { DeployError } from "./errors.ts";
import { errCode } from "./fs-util.ts";

export async function resolveSource(source: string): Promise<string> {
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

export function describeSource(given: string, real: string): string {
  return path.resolve(given) === real ? given : `${given} (-> ${real})`;
}

/** Regular files under `root`, as sorted posix relative paths. Refuses symlinks (nginx would follow them). */
export async function listTree(root: string): Promise<string[]> {
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

export async function hashTree(root: string, files: string[]): Promise<string> {
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
export async function copyTree(from: string, to: string, files: string[]): Promise<void> {
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
