// README "The pipeline" is the map a newcomer reads first: its table must list exactly the stages
// build.ts runs, in the same order (issue 14).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stages } from '../build.ts';
import { createContext } from '../lib/core/context.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The stage and plugin columns of the table under "## The pipeline", in order. */
function readmeStages(): { stage: string; plugin: string }[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('The pipeline\n'));
  if (!section) throw new Error('README.md has no "## The pipeline" section');
  const rows = section.split('\n').filter((l) => l.startsWith('|'));
  const header = rows[0]!.split('|').map((c) => c.trim());
  const stageCol = header.indexOf('stage');
  const pluginCol = header.indexOf('plugin');
  if (stageCol < 0 || pluginCol < 0) throw new Error('the pipeline table has no "stage" or "plugin" column');
  return rows.slice(2).map((row) => {
    const cells = row.split('|').map((c) => c.trim());
    return { stage: cells[stageCol]!, plugin: cells[pluginCol]!.replace(/`/g, '') };
  });
}

describe('README pipeline table', () => {
  it('lists every stage of stages(), in order, each with its plugin file', () => {
    const inBuild = stages(createContext({ root: ROOT })).map(([name]) => name);
    const inReadme = readmeStages();
    expect(inReadme.map((r) => r.stage)).toEqual(inBuild);
    for (const { stage, plugin } of inReadme) {
      expect(fs.existsSync(path.join(ROOT, plugin)), `${stage}: ${plugin} exists`).toBe(true);
    }
  });
});
