/**
 * One in-process build of this repository's site per test run, shared by the browser suites that
 * serve it unchanged with the default options (each built the identical site itself, ~3-5 s a file:
 * docs/decisions.md#test-speed). test/helpers/global-setup.ts gives every worker the same empty folder;
 * the first file to ask builds into it, the others wait for it. Files that change what they serve
 * build their own site.
 */
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { build } from '../../build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's folder for the shared build (test/helpers/global-setup.ts). */
    sharedSiteRoot: string;
  }
}

/** What the suites check of the build itself, kept beside the site (the result is not shareable between processes). */
export interface SharedSite {
  /** The published site (the destination symlink). */
  site: string;
  pages: number;
  problems: { code: string; file: string; line: number; message: string }[];
  /** result.ctx.alertLinks.summary */
  alertLinksSummary: string | undefined;
}

const WAIT_MS = 110_000;

/** The run's shared build of this repository's site, built by the first caller. */
export async function sharedSite(): Promise<SharedSite> {
  const root = inject('sharedSiteRoot');
  const done = path.join(root, 'result.json');
  const failed = path.join(root, 'failed.txt');
  let builder = true;
  try {
    fs.mkdirSync(path.join(root, 'lock'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    builder = false;
  }
  if (builder) {
    try {
      const site = path.join(root, 'site');
      const result = await build({ root: process.cwd(), destination: site });
      const shared: SharedSite = {
        site,
        pages: result.pages,
        problems: result.problems.map((p) => ({ code: p.code, file: p.file, line: p.line, message: p.message })),
        alertLinksSummary: result.ctx.alertLinks.summary,
      };
      // Written whole, then renamed: a waiting file never reads half of it.
      fs.writeFileSync(`${done}.tmp`, JSON.stringify(shared));
      fs.renameSync(`${done}.tmp`, done);
      return shared;
    } catch (err) {
      fs.writeFileSync(failed, String((err as Error)?.stack ?? err));
      throw err;
    }
  }
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    if (fs.existsSync(done)) return JSON.parse(fs.readFileSync(done, 'utf8')) as SharedSite;
    if (fs.existsSync(failed)) throw new Error(`the shared build of the site failed in another test file:\n${fs.readFileSync(failed, 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`the shared build of the site (${root}) did not finish within ${WAIT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
