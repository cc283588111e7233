/**
 * Whole-pipeline fixtures: each `test/fixtures/pipeline/<case>/src` is built by every stage and
 * written as a release, and the whole output tree compared with `expected/` (see
 * test/helpers/fixtures.ts). A few on purpose: each plugin's edge cases are its own fixtures
 * (test/plugins.test.ts), so a change to one stage's output re-records only its cases and these.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { PIPELINE_FIXTURES, buildFixture, expectTreeToMatchExpected } from './helpers/fixtures.ts';

const cases = fs
  .readdirSync(PIPELINE_FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(PIPELINE_FIXTURES, e.name, 'src')))
  .map((e) => e.name)
  .sort();

describe('whole-pipeline fixtures: src/ built and compared with expected/', () => {
  it('has the whole-pipeline cases', ({ expect }) => {
    expect(cases).toEqual(['adopt-docusaurus', 'adopt-github', 'adopt-hugo', 'adopt-mkdocs', 'runbooks']);
  });
  for (const name of cases) {
    it(name, async () => {
      const { site } = await buildFixture(name);
      expectTreeToMatchExpected(name, site);
    });
  }
});
