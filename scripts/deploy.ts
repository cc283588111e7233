/**
 * Self-hosted publishing, the CLI: `npm run deploy -- --target <dir> [--source build] [--keep 5]`
 *                                  `npm run deploy -- --target <dir> --rollback [--to <release-id>]`
 *
 * A thin wrapper over scripts/deploy/: publish.ts (a new release, and the target's layout),
 * rollback.ts, marker.ts (only a passing build is published), tree.ts (listing, hashing and
 * copying the built tree), assets.ts (fingerprinted assets carried between releases), release-id.ts,
 * lock.ts (one deploy at a time per target) and preview.ts (pull-request previews).
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DeployError } from "./deploy/errors.ts";
import { errCode } from "./deploy/fs-util.ts";
import { PREVIEW_USAGE, PreviewError, previewArgs, prunePreviews, pruneDaysArg, runPreviewCommand } from "./deploy/preview.ts";
import { DEFAULT_KEEP, publish } from "./deploy/publish.ts";
import { rollback } from "./deploy/rollback.ts";
import { removedUrlsOf } from "./deploy/urls.ts";

const USAGE = `Usage:
  npm run deploy -- --target <dir> [--source build] [--keep ${DEFAULT_KEEP}] [--allow-removed]   publish the current build as a new release
                                       (refused when a page URL the live release serves would vanish, unless
                                        site.yml lists it under removed_urls: or --allow-removed is given)
  npm run deploy -- --target <dir> --rollback [--to <release-id>]      switch back to the previous release
${PREVIEW_USAGE}

<dir> is the deploy root (e.g. /srv/runbooks): nginx serves <dir>/current (see deploy/nginx.conf).`;

export async function main(argv: string[], out = console.log, err = console.error): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        target: { type: "string" },
        source: { type: "string", default: "build" },
        keep: { type: "string", default: String(DEFAULT_KEEP) },
        rollback: { type: "boolean", default: false },
        "allow-removed": { type: "boolean", default: false },
        to: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
        ...previewArgs,
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    err(`deploy: ${(error as Error).message}\n\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (!values.target) {
    err(`deploy: --target <dir> is required (the deploy root nginx serves from, e.g. /srv/runbooks).\n\n${USAGE}`);
    return 1;
  }
  if (values.to !== undefined && !values.rollback) {
    err(`deploy: --to only makes sense with --rollback.\n\n${USAGE}`);
    return 1;
  }
  const keep = Number(values.keep);
  const log = (line: string) => out(`deploy: ${line}`);
  try {
    // Pull-request previews (scripts/deploy/preview.ts); production deploys prune stale previews too.
    if (await runPreviewCommand({ ...values, target: values.target }, publish, log)) return 0;
    if (values.rollback) {
      await rollback({ target: values.target, to: values.to, log });
    } else {
      // The live release's URLs must all still be served (or redirected), unless removed on purpose.
      const removedUrls = values["allow-removed"] ? undefined : removedUrlsOf(path.resolve("site.yml"));
      await publish({ source: values.source, target: values.target, keep, log, removedUrls });
      await prunePreviews({ target: values.target, log, pruneDays: pruneDaysArg(values) });
    }
    return 0;
  } catch (error) {
    err(`deploy: error: ${humanMessage(error, values.target)}`);
    return 1;
  }
}

function humanMessage(error: unknown, target: string): string {
  if (error instanceof DeployError || error instanceof PreviewError) return error.message;
  const code = errCode(error);
  // The disk or the permissions of the target: one line that names it, never a stack trace.
  const unchanged = "the current release was not changed";
  if (code === "ENOSPC" || code === "EDQUOT") return `cannot publish to ${target}: the disk is full; ${unchanged}. Free space (or lower --keep) and retry.`;
  if (code === "EROFS") return `cannot publish to ${target}: it is on a read-only disk; ${unchanged}. Mount it read-write or pick another --target.`;
  if (code === "EACCES" || code === "EPERM") {
    const where = (error as { path?: string }).path;
    return `cannot publish to ${target}: permission denied${where ? ` on ${where}` : ""}; ${unchanged}. Run the deploy as the user that owns it, or fix its ownership (chown -R).`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

const invokedAs = process.argv[1] ? path.resolve(process.argv[1]) : "";
if (invokedAs && invokedAs === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
