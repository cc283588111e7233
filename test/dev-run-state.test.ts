// The dev server's runs each get their own state (issue 14): problems, the incremental flag and
// the caches of one update never show up in the next one, and a finished run is never changed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DevSite } from '../scripts/dev-site.ts';
import { writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

describe('dev server run state', () => {
  it('two consecutive updates: each has its own problems, flag and caches; the first is left as it was', async () => {
    const dir = tempDir('dev-run-');
    writeProject(dir, {
      'site.yml': 'title: Dev\n',
      'layouts/default.hbs': '<html><body>{{{content}}}</body></html>',
      'src/index.md': '---\ntitle: Home\n---\nHome.\n',
      'src/guide/index.md': '---\ntitle: Guide\n---\n',
      'src/guide/alpha.md': '---\ntitle: Alpha\n---\nAlpha text.\n',
      'src/guide/beta.md': '---\ntitle: Beta\n---\nBeta text.\n',
    });
    const site = new DevSite({ root: dir, dev: true });
    await site.full();
    const full = site.ctx.run;
    expect(full.incremental).toBe(false);
    expect(full.diagnostics.problems).toEqual([]);

    // Update 1: alpha gets a mistake.
    fs.writeFileSync(path.join(dir, 'src/guide/alpha.md'), '---\ntitle: Alpha\n---\n{{#callout "loud"}}x{{/callout}}\n');
    await site.sourceChanged(path.join(dir, 'src/guide/alpha.md'));
    const first = site.ctx.run;
    const firstProblems = first.diagnostics.problems.map((p) => `${p.file}:${p.line}`);
    expect(firstProblems).toEqual(['src/guide/alpha.md:4']);
    expect(first.incremental).toBe(true);

    // Update 2: beta is edited (fine); alpha is still broken but not part of this run.
    fs.writeFileSync(path.join(dir, 'src/guide/beta.md'), '---\ntitle: Beta\n---\nBeta text, edited.\n');
    await site.sourceChanged(path.join(dir, 'src/guide/beta.md'));
    const second = site.ctx.run;
    expect(second).not.toBe(first);
    expect(second.diagnostics).not.toBe(first.diagnostics);
    expect(second.diagnostics.problems).toEqual([]); // alpha's problem did not leak into this run
    expect(first.diagnostics.problems.map((p) => `${p.file}:${p.line}`)).toEqual(firstProblems); // nor was the first run's list changed
    expect(site.problems.map((p) => p.file)).toEqual(['src/guide/alpha.md']); // the server still shows it until fixed
    expect(full.incremental).toBe(false); // an earlier run's flag is never flipped
    expect(Object.isFrozen(second)).toBe(true);
    expect(() => {
      (second as { incremental: boolean }).incremental = false;
    }).toThrow();
  });
});
