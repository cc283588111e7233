/** One deploy at a time per target, and a clear error before writing to a target that cannot be written. */
import { constants as fsConstants } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { DeployError } from "./errors.ts";
import { errCode, exists, isAlive } from "./fs-util.ts";

/**
 * Throws the errno error (EROFS, EACCES) if `dir`, or the nearest folder above it that exists,
 * cannot be written: `mkdir -p` on a read-only disk says ENOENT instead, which names no cause.
 */
export async function checkWritable(dir: string): Promise<void> {
  let at = path.resolve(dir);
  while (!(await exists(at)) && path.dirname(at) !== at) at = path.dirname(at);
  await fs.access(at, fsConstants.W_OK);
}

/** One deploy at a time per target: `<target>/.deploy.lock` holds the owner's pid. */
export async function withLock<T>(target: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(target, ".deploy.lock");
  await fs.mkdir(target, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await fs.open(lock, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if (errCode(error) !== "EEXIST" || attempt > 0) {
        if (errCode(error) === "EEXIST") {
          throw new DeployError(`Another deploy holds ${lock}.\nFix: wait for it to finish; if none is running, delete ${lock} and retry.`);
        }
        throw error;
      }
      const pid = Number.parseInt(await fs.readFile(lock, "utf8").catch(() => ""), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new DeployError(
          `Another deploy (pid ${pid}) is running on ${target}.\nFix: wait for it to finish; if pid ${pid} is not a deploy, delete ${lock} and retry.`,
        );
      }
      if (pid === process.pid) {
        throw new DeployError(`This process is already deploying to ${target}; run one publish/rollback at a time per target.`);
      }
      await fs.rm(lock, { force: true }); // stale: its owner is gone
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lock, { force: true });
  }
}
