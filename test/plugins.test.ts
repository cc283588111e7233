/**
 * Each plugin tested alone, Metalsmith-style: every `test/fixtures/<plugin>/<case>/src` runs through
 * that plugin (after the few stages whose output it reads, named below) and the files, the fields
 * it writes and its problems are compared with `expected/` (test/helpers/plugin-fixture.ts).
 * Changing one plugin's output re-records that plugin's cases and the whole-pipeline fixtures
 * (test/fixtures.test.ts), nothing else.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, expectTreeToMatch, tempDir } from './helpers/fixtures.ts';
import { expectPluginFixture, runPluginFixture, stageNames, stagesFrom, type PluginRun } from './helpers/plugin-fixture.ts';

/** Runs `git` in `cwd` with a fixed author and dates, so the history is the same on every run. */
function git(cwd: string, args: string[], date: string) {
  execFileSync('git', args, {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Fixture', GIT_AUTHOR_EMAIL: 'fixture@example.com', GIT_COMMITTER_NAME: 'Fixture', GIT_COMMITTER_EMAIL: 'fixture@example.com', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  });
}

/** Per plugin: the stages to run and the fields to record. Cases are the folders under its fixture folder. */
const PLUGINS: Record<string, PluginRun> = {
  secrets: { stages: ['secrets'] },
  frontmatter: {
    stages: ['frontmatter'],
    fields: ['title', 'type', 'source', 'bodyLine', 'frontMatter', 'navTitle', 'unlisted', 'reviewOverdue', 'owner', 'severity', 'services', 'alerts', 'last_reviewed', 'layout', 'order', 'description', 'dir', 'isIndex', 'section'],
  },
  conventions: { stages: ['frontmatter', 'conventions', 'partials', 'templates', 'markdown'], fields: ['hasDiagram', 'navTitle', 'order', 'unlisted'] },
  runbooks: { stages: ['frontmatter', 'runbooks'], fields: ['title', 'type', 'generated', 'reviewOverdue', 'unlisted'], metadata: ['alerts'] },
  partials: { stages: ['frontmatter', 'partials', 'templates', 'markdown'] },
  sections: { stages: ['frontmatter', 'runbooks', 'sections'], fields: ['prev', 'next', 'navTitle', 'collection', 'section', 'isIndex'], metadata: ['nav'] },
  templates: { stages: ['frontmatter', 'partials', 'templates', 'markdown'] },
  markdown: { stages: ['frontmatter', 'partials', 'templates', 'markdown'], fields: ['removed'] },
  headings: { stages: ['frontmatter', 'markdown', 'headings'], fields: ['headings'] },
  permalinks: { stages: ['frontmatter', 'sections', 'markdown', 'permalinks'], fields: ['permalink', 'url', 'caseUrl'] },
  'alerts-json': { stages: ['frontmatter', 'runbooks', 'markdown', 'permalinks', 'alerts-json'] },
  links: { stages: ['frontmatter', 'runbooks', 'sections', 'markdown', 'headings', 'permalinks', 'links'] },
  assets: { stages: ['assets'], metadata: ['assets'] },
  'git-dates': {
    stages: ['frontmatter', 'markdown', 'git-dates'],
    fields: ['updated'],
    prepare(root) {
      // Two commits on fixed dates: the page changed in the second gets its date, the other the first's; a file never committed none.
      fs.renameSync(path.join(root, 'src', 'later.md'), path.join(root, 'later.md.tmp'));
      fs.renameSync(path.join(root, 'src', 'uncommitted.md'), path.join(root, 'uncommitted.md.tmp'));
      git(root, ['init', '-q'], '2026-01-01T00:00:00Z');
      git(root, ['add', 'src'], '2026-01-01T00:00:00Z');
      git(root, ['commit', '-q', '-m', 'first'], '2026-03-04T10:00:00+00:00');
      fs.renameSync(path.join(root, 'later.md.tmp'), path.join(root, 'src', 'later.md'));
      git(root, ['add', 'src'], '2026-01-01T00:00:00Z');
      git(root, ['commit', '-q', '-m', 'second'], '2026-05-06T23:30:00-05:00');
      fs.renameSync(path.join(root, 'uncommitted.md.tmp'), path.join(root, 'src', 'uncommitted.md'));
    },
  },
  search: { stages: ['frontmatter', 'sections', 'markdown', 'headings', 'permalinks', 'search'], metadata: ['search'] },
  sitemap: { stages: ['frontmatter', 'markdown', 'permalinks', 'sitemap'] },
  layout: { stages: stagesFrom('frontmatter', 'layout', ['git-dates']) },
  redirects: { stages: ['frontmatter', 'runbooks', 'sections', 'markdown', 'permalinks', 'redirects'] },
  'url-history': { stages: ['frontmatter', 'markdown', 'permalinks', 'redirects', 'url-history'] },
  'alert-rules': { stages: ['frontmatter', 'runbooks', 'markdown', 'headings', 'permalinks', 'alerts-json', 'links', 'redirects', 'alert-rules'] },
  offline: { stages: ['frontmatter', 'markdown', 'permalinks', 'offline'] },
};

/** Per case, options beyond the plugin's (its own base path, previous release...). */
const CASES: Record<string, Partial<PluginRun>> = {
  'url-history/vanished': { options: { previous: 'previous' } },
  'url-history/kept-by-alias': { options: { previous: 'previous' } },
  'alert-rules/rules': { options: { alertRules: ['rules/*.yml'] } },
  'layout/base-path': { options: { base: '/docs/' } },
};

describe('every plugin of the pipeline has its own fixtures', () => {
  it('each stage of build.ts has a folder of cases under test/fixtures/', () => {
    expect(stageNames().filter((s) => !fs.existsSync(path.join(FIXTURES, s)))).toEqual([]);
    expect(Object.keys(PLUGINS).sort()).toEqual(stageNames().sort());
  });

  it.skipIf(process.env.UPDATE_FIXTURES === '1')('a case without expected/ fails instead of passing', () => {
    const missing = path.join(tempDir('no-expected-'), 'expected');
    expect(() => expectTreeToMatch(missing, new Map([['index.html', Buffer.from('<p>x</p>')]]), 'missing')).toThrow(/expected\/ is missing\. Record it deliberately with UPDATE_FIXTURES=1/);
    expect(fs.existsSync(missing)).toBe(false);
  });
});

for (const [plugin, run] of Object.entries(PLUGINS)) {
  const dir = path.join(FIXTURES, plugin);
  const cases = fs.existsSync(dir) ? fs.readdirSync(dir).filter((c) => fs.existsSync(path.join(dir, c, 'src'))).sort() : [];
  describe(`${plugin} alone`, () => {
    it.each(cases)('%s', async (name) => {
      const extra = CASES[`${plugin}/${name}`] ?? {};
      const result = await runPluginFixture(plugin, name, { ...run, ...extra, options: { ...run.options, ...extra.options } });
      expectPluginFixture(plugin, name, result);
    });
  });
}
