/**
 * The assets stage alone, in Metalsmith's style: a folder of assets in, the published files out.
 * Front-end modules become one minified script; module files are not published on their own.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import Metalsmith from 'metalsmith';
import { describe, expect, it } from 'vitest';
import type { BuildContext } from '../lib/core/context.ts';
import assets from '../plugins/assets.ts';
import { tempDir } from './helpers/fixtures.ts';

function project(files: Record<string, string>): string {
  const root = tempDir('assets-');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, 'assets', rel)), { recursive: true });
    fs.writeFileSync(path.join(root, 'assets', rel), text);
  }
  return root;
}

async function run(root: string, base = '/'): Promise<{ files: Metalsmith.Files; map: Record<string, string> }> {
  const ms = Metalsmith(root).use(assets({ assetsDir: path.join(root, 'assets'), base } as BuildContext));
  const files = await ms.run({});
  return { files, map: (ms.metadata() as { assets: Record<string, string> }).assets };
}

describe('assets stage', () => {
  it('bundles assets/js/main.js and its imports into one minified site.js, and publishes no module file', async () => {
    const root = project({
      'js/main.js': "import { greet } from './greet.js';\nwindow.__out = greet('reader');\n",
      'js/greet.js': '/* a comment that minifying drops */\nexport function greet(name) {\n  const text = "hello " + name;\n  return text;\n}\n',
    });
    const { files, map } = await run(root);
    expect(Object.keys(files)).toEqual([expect.stringMatching(/^assets\/site\.[0-9a-f]{10}\.js$/)]);
    expect(map['site.js']).toBe(`/${Object.keys(files)[0]}`);
    const code = files[Object.keys(files)[0]!]!.contents.toString();
    expect(code).not.toMatch(/\bimport\b|\bexport\b|a comment/);
    expect(code.trim().split('\n')).toHaveLength(1);
    const sandbox: { window: Record<string, unknown> } = { window: {} };
    vm.runInNewContext(code, sandbox);
    expect(sandbox.window.__out).toBe('hello reader');
  });

  it('minifies CSS, copies other files unchanged, and names each by a hash of what is published', async () => {
    const root = project({ 'site.css': 'body {\n  color: red;\n}\n', 'logo.svg': '<svg/>\n' });
    const { files } = await run(root);
    const names = Object.keys(files).sort();
    expect(names).toEqual([expect.stringMatching(/^assets\/logo\.[0-9a-f]{10}\.svg$/), expect.stringMatching(/^assets\/site\.[0-9a-f]{10}\.css$/)]);
    expect(files[names[1]!]!.contents.toString()).toBe('body{color:red}\n');
    expect(files[names[0]!]!.contents.toString()).toBe('<svg/>\n');
  });

  it('gives each asset its URL under the site base path', async () => {
    const root = project({ 'logo.svg': '<svg/>\n' });
    const { files, map } = await run(root, '/infra-runbooks/');
    expect(map['logo.svg']).toBe(`/infra-runbooks/${Object.keys(files)[0]}`);
  });
});
