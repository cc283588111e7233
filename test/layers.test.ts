/**
 * The dependency rule (.dependency-cruiser.cjs) holds for the project, and it does catch each kind
 * of violation: tried on a small tree that breaks every rule once.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

const DEPCRUISE = path.join(ROOT, 'node_modules', '.bin', 'depcruise');

function cruise(cwd: string, targets: string[]) {
  const r = spawnSync(DEPCRUISE, ['--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err', ...targets], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('layers', () => {
  it('plugins use lib/ and not each other, lib/ never imports upward, and nothing imports in a cycle', () => {
    const r = cruise(ROOT, ['build.ts', 'lib', 'plugins', 'scripts', 'bench']);
    expect(r.out).toContain('no dependency violations found');
    expect(r.code).toBe(0);
  }, 120_000);

  it('reports a plugin importing a plugin, lib importing a plugin, and a cycle', () => {
    const dir = tempDir('layers-');
    writeProject(dir, {
      'tsconfig.json': fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'),
      'build.ts': "import './plugins/a.ts';\n",
      'plugins/a.ts': "import { b } from './b.ts';\nexport const a = b;\n",
      'plugins/b.ts': "import { x } from '../lib/x.ts';\nexport const b = x;\n",
      'lib/x.ts': "import { y } from './y.ts';\nimport '../plugins/b.ts';\nexport const x = y;\n",
      'lib/y.ts': "import { x } from './x.ts';\nexport const y = () => x;\n",
    });
    const r = cruise(dir, ['build.ts', 'lib', 'plugins']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/plugins-use-lib-not-each-other: plugins\/a\.ts → plugins\/b\.ts/);
    expect(r.out).toMatch(/lib-stays-below: lib\/x\.ts → plugins\/b\.ts/);
    expect(r.out).toMatch(/no-cycles: lib\/x\.ts →\s+lib\/y\.ts/);
  }, 120_000);

  it('reports the build importing a devDependency at run time (CI installs the build with --omit=dev), and lets it import types from one', () => {
    const dir = tempDir('layers-dev-');
    writeProject(dir, {
      'tsconfig.json': fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'),
      'package.json': JSON.stringify({ name: 'x', type: 'module', dependencies: { yazl: '*' }, devDependencies: { yauzl: '*' } }),
      'build.ts': "import './lib/run.ts';\nimport './lib/types.ts';\nimport './lib/ok.ts';\n",
      'lib/run.ts': "import yauzl from 'yauzl';\nexport const open = yauzl.open;\n",
      'lib/types.ts': "import type { ZipFile } from 'yauzl';\nexport type Z = ZipFile;\n",
      'lib/ok.ts': "import yazl from 'yazl';\nexport const zip = yazl.ZipFile;\n",
    });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    const r = cruise(dir, ['build.ts', 'lib']);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/build-needs-no-dev-dependencies: lib\/run\.ts → \S*node_modules\/yauzl\//);
    expect(r.out).not.toMatch(/lib\/types\.ts →/);
    expect(r.out).not.toMatch(/lib\/ok\.ts →/);
  }, 120_000);
});
