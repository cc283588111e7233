/**
 * Layouts are Handlebars files in layouts/, named `<name>.hbs` or `<name>.html`: a page's `layout:`
 * finds either, with or without the extension (a `.html` layout once passed the front-matter check
 * and then crashed the layout stage with ENOENT).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../build.ts';
import { writeProject } from './helpers/cli.ts';
import { FIXTURES, tempDir } from './helpers/fixtures.ts';

describe('layouts', () => {
  it('a page uses a .html layout named with or without its extension; others keep the default', async () => {
    const root = tempDir('layouts-');
    fs.cpSync(path.join(FIXTURES, '_layouts'), path.join(root, 'layouts'), { recursive: true });
    writeProject(root, {
      'site.yml': 'title: Layouts\n',
      'layouts/wide.html': '<!doctype html><title>{{page.title}}</title><main class="wide">{{{content}}}</main>\n',
      'src/index.md': '# Home\n',
      'src/a.md': '---\ntitle: A\nlayout: wide\n---\nBody A.\n',
      'src/b.md': '---\ntitle: B\nlayout: wide.html\n---\nBody B.\n',
      'src/c.md': '---\ntitle: C\n---\nBody C.\n',
    });
    const { files, problems } = await build({ root, write: false });
    expect(problems).toEqual([]);
    expect(files['a/index.html']!.contents.toString()).toBe('<!doctype html><title>A</title><main class="wide"><p>Body A.</p>\n</main>\n');
    expect(files['b/index.html']!.contents.toString()).toContain('<main class="wide"><p>Body B.</p>');
    expect(files['c/index.html']!.contents.toString()).not.toContain('class="wide"');
  });
});
