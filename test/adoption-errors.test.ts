/**
 * What an adopted tree gets told, through the real CLI: unknown fields once per field name with
 * a count and the first file; a typo of our own fields still an error; two section pages in one
 * folder; Hugo shortcodes, MDX and MkDocs snippets that cannot run here, each at its line with
 * what to write instead; and `npm run check -- --source <dir>`'s adoption summary.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, writeProject } from './helpers/cli.ts';
import { PIPELINE_FIXTURES, tempDir } from './helpers/fixtures.ts';

const LAYOUT = { 'layouts/default.hbs': '<title>{{page.title}}</title>{{{content}}}' };

describe('an adopted tree with mistakes', () => {
  let run: ReturnType<typeof cli>;
  beforeAll(() => {
    const dir = tempDir('adopt-errors-');
    writeProject(dir, {
      ...LAYOUT,
      'site.yml': 'title: Adopted\n',
      'src/_index.md': '# Home\n',
      'src/a.md': '---\ntitle: A\nfoo: 1\n---\nA.\n',
      'src/b.md': '---\nfoo: 2\nbar: x\n---\nB.\n',
      'src/c.md': '---\ntitle: C\nweight: 3\nfoo: 3\n---\nC.\n',
      'src/typo.md': '---\ntitel: Typo\n---\nT.\n',
      'src/queues/README.md': '# Queues\n',
      'src/queues/_index.md': '---\ntitle: Queues again\n---\n',
      'src/hugo.md': '# Hugo\n\nIntro.\n\n{{< hint warning >}}\nCareful.\n{{< /hint >}}\n\n{{< figure src="x.png" >}}\n',
      'src/hugo-ref.md': '# Ref\n\nSee [the runbook]({{< ref "missing.md" >}}).\n',
      'src/mdx.md': "---\ntitle: MDX\n---\nimport Tabs from '@theme/Tabs';\nimport TabItem from '@theme/TabItem';\n\n<Tabs>\n<TabItem value=\"a\">A</TabItem>\n</Tabs>\n\nA `<Tabs>` in code is fine, and so is List<String> in prose.\n",
      'src/snippet.md': '# Snippet\n\n--8<-- "includes/abbreviations.md"\n',
    });
    run = cli(dir, ['--no-cache']);
  }, 60_000);

  it('fails, naming every problem at once', () => {
    expect(run.code).toBe(1);
  });

  it('reports an unknown field once, with how many files have it and the first one', () => {
    expect(run.stderr.match(/`foo` is not a known field/g)).toHaveLength(1);
    expect(run.stderr).toContain('src/a.md:3:1  `foo` is not a known field (3 files, first src/a.md:3); it is ignored');
    expect(run.stderr).toContain('src/b.md:3:1  `bar` is not a known field (1 file, first src/b.md:3); it is ignored');
    expect(run.stderr).not.toContain('`weight`');
    expect(run.stderr).not.toContain('no title'); // b.md: front matter without a title is fine
  });

  it('a likely typo of our own field stays an error', () => {
    expect(run.stderr).toContain('src/typo.md:2:1  unknown field `titel` — did you mean `title`?');
  });

  it('two section pages in one folder is an error naming both', () => {
    expect(run.stderr).toMatch(/src\/queues\/_index\.md:1:1 {2}this folder has two section pages, src\/queues\/README\.md and src\/queues\/_index\.md/);
  });

  it('Hugo shortcodes other than ref: file:line:col, the shortcode named, what to write instead', () => {
    expect(run.stderr).toContain('src/hugo.md:5:1  the Hugo shortcode `hint` (`{{< hint warning >}}`) does not run here');
    expect(run.stderr).toMatch(/hint warning[^\n]*\n\s+hint: Write a GitHub alert instead: a line "> \[!NOTE\]"/);
    expect(run.stderr).toContain('src/hugo.md:9:1  the Hugo shortcode `figure`');
    expect(run.stderr).toMatch(/figure[^\n]*\n\s+hint: Write the image in Markdown: !\[What it shows\]\(picture.png\)/);
    expect(run.stderr.match(/shortcode `hint`/g)).toHaveLength(1); // the closing {{< /hint >}} is not a second problem
    // A ref to a page that does not exist is a broken link like any other.
    expect(run.stderr).toMatch(/src\/hugo-ref\.md:3:\d+ {2}the link to missing\.md goes to no page or file/);
    expect(run.stderr).not.toMatch(/hugo\.md[^\n]*(Handlebars|template)/i);
  });

  it('MDX imports and components, and MkDocs snippets, are named at their line', () => {
    expect(run.stderr).toContain("src/mdx.md:4:1  this is a Docusaurus MDX line (`import Tabs from '@theme/Tabs';`): MDX does not run here");
    expect(run.stderr).toContain('src/mdx.md:5:1  this is a Docusaurus MDX line');
    expect(run.stderr).toContain('src/mdx.md:7:1  <Tabs> is a Docusaurus MDX (JSX) component: it does not run here');
    expect(run.stderr).toContain('src/mdx.md:8:1  <TabItem> is a Docusaurus MDX (JSX) component');
    // A code span and a prose generic are not MDX; the generic is raw HTML to GitHub, which hides it,
    // so the sanitizer's warning (issue 12) is the one thing said about that line.
    expect(run.stderr).not.toMatch(/mdx\.md:11:\d+ {2}.*(MDX|JSX)/);
    expect(run.stderr).toContain('src/mdx.md:11:43  removed <string>: GitHub does not show it either');
    expect(run.stderr).toContain('src/snippet.md:3:1  this is an MkDocs snippet include (`--8<-- "includes/abbreviations.md"`): snippets are not included here');
  });
});

describe('npm run check -- --source <dir>: the adoption summary', () => {
  it('counts pages, sections and runbooks, names the fields recognised per tool and what was left out', () => {
    const dir = tempDir('adopt-check-');
    writeProject(dir, { ...LAYOUT, 'site.yml': 'title: Check\n' });
    fs.cpSync(path.join(PIPELINE_FIXTURES, 'adopt-hugo', 'src'), path.join(dir, 'hugo-content'), { recursive: true });
    const r = cli(dir, ['--check', '--no-cache', '--source', 'hugo-content']);
    expect(r.code, r.out).toBe(0);
    expect(r.stdout).toContain('Adoption summary for hugo-content:');
    expect(r.stdout).toMatch(/ {2}8 pages in 3 sections \(0 runbooks\)/);
    expect(r.stdout).toMatch(/ {2}Hugo fields understood: .*weight \(8\).*bookHidden \(1\)/);
    expect(r.stdout).toContain('  Left out: databases/redis-eviction.md (draft: true)');
    expect(r.stdout).toContain('  Built but not listed: databases/old-mysql.md (hidden from navigation)');
    expect(r.stdout).toContain('Checked 8 pages, 0 warnings');
  });
});
