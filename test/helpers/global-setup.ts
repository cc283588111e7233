/**
 * Once per test run, before any test file: an empty folder for the shared build of the site
 * (test/helpers/shared-site.ts), removed when the run ends.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rs-shared-site-'));
  project.provide('sharedSiteRoot', root);
  return () => fs.rmSync(root, { recursive: true, force: true });
}
