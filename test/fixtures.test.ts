/**
 * One fixture per stage and edge case: each `test/fixtures/<case>/src` is built and the whole
 * output tree compared with `expected/` (see test/helpers/fixtures.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'vitest';
import { FIXTURES, buildFixture, expectTreeToMatchExpected } from './helpers/fixtures.ts';

const cases = fs
  .readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('_') && fs.existsSync(path.join(FIXTURES, e.name, 'src')))
  .map((e) => e.name)
  .sort();

describe('fixtures: src/ built and compared with expected/', () => {
  it('has the fixture cases the README promises', ({ expect }) => {
    expect(cases).toEqual(expect.arrayContaining(['code-fences', 'frontmatter', 'headings', 'helpers', 'layout', 'links', 'markdown', 'partials', 'permalinks', 'sorter']));
  });
  for (const name of cases) {
    it(name, async () => {
      const { site } = await buildFixture(name);
      expectTreeToMatchExpected(name, site);
    });
  }
});
