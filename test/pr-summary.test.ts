/**
 * The pull-request summary (issue 18): the git diff parser and the Markdown renderer on strings,
 * then the whole script on a real diff of two commits in a temporary git repository: an added
 * page, a changed page, a changed partial (and one included through another partial), a renamed
 * page, a page moved to a folder, a removed page, and a page with a problem; the comment and the
 * job summary are checked as text.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNameStatus } from '../lib/reports/git-diff.ts';
import { COMMENT_MARKER, escapeText, renderComment, renderSummary, type PrSummary } from '../lib/reports/pr-summary.ts';
import { main } from '../scripts/pr-summary.ts';
import { cli, writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

describe('parseNameStatus (git diff --name-status -z -M)', () => {
  it('reads additions, changes, deletions, renames, copies and type changes, with any file name', () => {
    const out = 'A\0src/new page.md\0M\0src/queues/backlog.md\0D\0src/gone.md\0R087\0src/old.md\0src/renamed.md\0C100\0src/a.md\0src/copy.md\0T\0src/link.md\0A\0src/运维/队列.md\0';
    expect(parseNameStatus(out)).toEqual([
      { status: 'added', path: 'src/new page.md' },
      { status: 'modified', path: 'src/queues/backlog.md' },
      { status: 'deleted', path: 'src/gone.md' },
      { status: 'renamed', from: 'src/old.md', path: 'src/renamed.md' },
      { status: 'added', path: 'src/copy.md' },
      { status: 'modified', path: 'src/link.md' },
      { status: 'added', path: 'src/运维/队列.md' },
    ]);
    expect(parseNameStatus('')).toEqual([]);
  });

  it('refuses output it does not understand instead of guessing', () => {
    expect(() => parseNameStatus('R100\0src/old.md\0')).toThrow('git diff output ends inside a R100 entry');
    expect(() => parseNameStatus('X\0src/a.md\0')).toThrow('unknown git diff status "X" for src/a.md');
  });
});

describe('renderSummary', () => {
  const summary: PrSummary = {
    previewUrl: 'https://runbooks.example.com/previews/pr-7/',
    passed: true,
    head: 'abc1234',
    added: [{ file: 'src/queues/new.md', title: 'New *runbook* <b>', url: '/previews/pr-7/queues/new/' }],
    changed: [{ file: 'src/drafts/wip.md', note: 'not published (a draft)' }],
    viaPartials: [{ file: 'src/x.md', title: 'X', url: '/previews/pr-7/x/', partials: ['partials/a.md', 'partials/b.md'] }],
    moved: [
      { file: 'src/old.md', oldPath: '/old/', oldUrlNow: { kind: 'redirect', to: '/new/', page: { file: 'src/new.md', title: 'New', url: '/previews/pr-7/new/' } } },
      { file: 'src/gone.md', oldPath: '/gone/', oldUrlNow: { kind: 'gone' } },
    ],
    siteWide: ['site.yml'],
    problems: [{ file: 'src/x.md', line: 3, column: 7, message: 'ask @platform about `x`', hint: 'Fix [it]', severity: 'warning' }],
    overdue: [{ file: 'src/queues/stale.md', owner: 'platform', days: 1, due: '2026-11-21' }],
  };

  it('renders links, notes, moves, problems and due reviews as Markdown', () => {
    expect(renderSummary(summary)).toBe(`## Site preview

**[Open the preview of the whole site](https://runbooks.example.com/previews/pr-7/)** (built from \`abc1234\`)

### Pages added (1)

- [New \\*runbook\\* \\<b\\>](https://runbooks.example.com/previews/pr-7/queues/new/) (\`src/queues/new.md\`)

### Pages changed (1)

- \`src/drafts/wip.md\` (not published \\(a draft\\))

### Pages changed through a partial they include (1)

- [X](https://runbooks.example.com/previews/pr-7/x/) (\`src/x.md\`): includes \`partials/a.md\`, \`partials/b.md\`

**Every page may look different:** this pull request changes \`site.yml\`.

### Pages removed or renamed (2)

- \`src/old.md\` removed. Its old address \`/old/\` redirects to [New](https://runbooks.example.com/previews/pr-7/new/) (\`src/new.md\`).
- \`src/gone.md\` removed. **Its old address \`/gone/\` no longer works**: links and alerts pointing there get "page not found". If another page replaces it, add \`aliases: [/gone/]\` to that page's front matter.

### Problems (0 errors, 1 warning)

- warning \`src/x.md:3:7\` ask @\u200bplatform about \\\`x\\\`
  hint: Fix \\[it\\]

### Runbooks due for review (1)

- \`src/queues/stale.md\`: owner platform, 1 day overdue (due 2026-11-21)
`);
  });

  it('the comment is the same text behind a hidden marker; nothing to report says so', () => {
    expect(renderComment(summary)).toBe(`${COMMENT_MARKER}\n${renderSummary(summary)}`);
    expect(COMMENT_MARKER).toMatch(/^<!-- .* -->$/);
    const empty = renderSummary({ passed: true, added: [], changed: [], viaPartials: [], moved: [], siteWide: [], problems: [], overdue: [] });
    expect(empty).toBe('## Site preview\n\nNo preview was published for this run.\n\n### Problems\n\nNo problems.\n');
  });

  it('names at most five site-wide files', () => {
    const files = ['layouts/default.hbs', 'assets/site.css', 'assets/js/a.js', 'assets/js/b.js', 'assets/js/c.js', 'assets/js/d.js', 'site.yml'];
    const text = renderSummary({ passed: true, added: [], changed: [], viaPartials: [], moved: [], siteWide: files, problems: [], overdue: [] });
    expect(text).toContain('**Every page may look different:** this pull request changes `layouts/default.hbs`, `assets/site.css`, `assets/js/a.js`, `assets/js/b.js`, `assets/js/c.js` and 2 other files.\n');
  });

  it('escapes text people wrote, so a title cannot inject HTML, links or mentions', () => {
    expect(escapeText('<img src=x onerror=alert(1)> [a](javascript:x) @org/team\nnext')).toBe('\\<img src=x onerror=alert\\(1\\)\\> \\[a\\]\\(javascript:x\\) @\u200borg/team next');
  });

});

const SITE = `title: PR test
url: https://runbooks.example.com/
runbook_sections: [queues]
teams:
  - { id: platform, name: Platform }
`;
const runbook = (title: string, reviewed: string, body: string) =>
  `---\ntitle: ${title}\nowner: platform\nseverity: warning\nservices: [api]\nalerts: [${title.toLowerCase().replace(/\W+/g, '.')}]\nlast_reviewed: ${reviewed}\n---\n${body}`;
const LONG = Array.from({ length: 12 }, (_, i) => `Step ${i + 1}: check the queue depth on the dashboard, then drain the channel.`).join('\n\n');

const BASE_FILES: Record<string, string> = {
  'site.yml': SITE,
  'layouts/default.hbs': '<title>{{page.title}}</title>{{{content}}}{{> footer}}',
  'partials/footer.hbs': '<footer>Runbooks</footer>',
  'partials/alerts/levels.md': 'Levels: warning and critical.\n',
  'partials/runbook/escalation.md': 'Escalate. {{> alerts/levels}}\n',
  'partials/unrelated.md': 'Unrelated.\n',
  'src/index.md': '---\ntitle: Home\n---\nHome.\n',
  'src/queues/index.md': '---\ntitle: Queues\norder: [backlog, old-name]\n---\nQueues.\n',
  'src/queues/backlog.md': runbook('Queue backlog', '2026-11-01', `## Meaning\n\n${LONG}\n`),
  'src/queues/old-name.md': runbook('Old name', '2026-11-01', `## Meaning\n\nThe old name.\n\n${LONG}\n`),
  'src/queues/forgotten.md': runbook('Forgotten', '2026-11-01', `## Meaning\n\nRenamed without an alias.\n\n${LONG}\n`),
  'src/queues/stale.md': runbook('Stale runbook', '2026-01-10', '## Meaning\n\nNot reviewed this year.\n'),
  'src/monitoring/alert-levels.md': '---\ntitle: Alert levels\n---\n{{> alerts/levels}}\n',
  'src/monitoring/escalation.md': '---\ntitle: Escalation\n---\n{{> runbook/escalation}}\n',
  'src/monitoring/code-sample.md': '---\ntitle: Code sample\n---\nWrite `{{> alerts/levels}}` to include the levels. {{> unrelated}}\n',
  'src/deploys/retired.md': '---\ntitle: Retired\n---\nNo longer used.\n',
  'src/deploys/moved.md': `---\ntitle: Moved into a folder\n---\n${LONG}\n`,
};

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_DATE: '2026-11-20T10:00:00Z', GIT_COMMITTER_DATE: '2026-11-20T10:00:00Z' } });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

describe('npm run pr-summary on a real diff of two commits', () => {
  let repo: string;
  let base: string;
  let head: string;
  let broken: string;

  beforeAll(() => {
    repo = tempDir('pr-summary-');
    git(repo, 'init', '-q', '-b', 'master');
    git(repo, 'config', 'user.email', 'editor@example.com');
    git(repo, 'config', 'user.name', 'Editor');
    writeProject(repo, BASE_FILES);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'base');
    base = git(repo, 'rev-parse', 'HEAD');

    // The pull request, as an editor would make it in the web editor.
    writeProject(repo, {
      'src/queues/new-page.md': '---\ntitle: New page\ntype: page\n---\nA new page.\n',
      'src/queues/backlog.md': runbook('Queue backlog', '2026-11-01', `## Meaning\n\nThe backlog grows when consumers stop.\n\n${LONG}\n`),
      'partials/alerts/levels.md': 'Levels: info, warning and critical.\n',
      'partials/footer.hbs': '<footer>Runbooks, kept by the platform team</footer>',
      'src/deploys/moved/index.md': BASE_FILES['src/deploys/moved.md']!,
    });
    fs.renameSync(path.join(repo, 'src/queues/old-name.md'), path.join(repo, 'src/queues/renamed.md'));
    fs.renameSync(path.join(repo, 'src/queues/forgotten.md'), path.join(repo, 'src/queues/remembered.md'));
    // the editor kept the old address working for one of the two renamed pages
    const renamed = fs.readFileSync(path.join(repo, 'src/queues/renamed.md'), 'utf8');
    fs.writeFileSync(path.join(repo, 'src/queues/renamed.md'), renamed.replace('last_reviewed:', 'aliases: [/queues/old-name/]\nlast_reviewed:'));
    fs.rmSync(path.join(repo, 'src/deploys/retired.md'));
    fs.rmSync(path.join(repo, 'src/deploys/moved.md'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'the pull request');
    head = git(repo, 'rev-parse', '--short', 'HEAD');
  });

  const run = async (args: string[]) => {
    const out = path.join(repo, '..', `${path.basename(repo)}-comment.md`);
    const stepSummary = path.join(repo, '..', `${path.basename(repo)}-step-summary.md`);
    const output = path.join(repo, '..', `${path.basename(repo)}-output.txt`);
    for (const f of [stepSummary, output]) fs.writeFileSync(f, '');
    const cwd = process.cwd();
    const epoch = process.env.SOURCE_DATE_EPOCH;
    process.chdir(repo);
    process.env.SOURCE_DATE_EPOCH = '1795305600'; // 2026-11-22: review dates are compared with it
    try {
      const code = await main([...args, '--out', out], { GITHUB_STEP_SUMMARY: stepSummary, GITHUB_OUTPUT: output });
      return { code, comment: fs.readFileSync(out, 'utf8'), stepSummary: fs.readFileSync(stepSummary, 'utf8'), output: fs.readFileSync(output, 'utf8') };
    } finally {
      process.chdir(cwd);
      if (epoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
      else process.env.SOURCE_DATE_EPOCH = epoch;
    }
  };

  it('lists the preview, each added or changed page, pages through partials, moves, problems and due reviews', async () => {
    const r = await run(['--base', base, '--preview-url', 'https://runbooks.example.com/previews/pr-7/']);
    expect(r.code).toBe(0);
    const P = 'https://runbooks.example.com/previews/pr-7';
    expect(r.comment).toBe(`${COMMENT_MARKER}
## Site preview

**[Open the preview of the whole site](${P}/)** (built from \`${head}\`)

### Pages added (1)

- [New page](${P}/queues/new-page/) (\`src/queues/new-page.md\`)

### Pages changed (1)

- [Queue backlog](${P}/queues/backlog/) (\`src/queues/backlog.md\`)

### Pages changed through a partial they include (2)

- [Alert levels](${P}/monitoring/alert-levels/) (\`src/monitoring/alert-levels.md\`): includes \`partials/alerts/levels.md\`
- [Escalation](${P}/monitoring/escalation/) (\`src/monitoring/escalation.md\`): includes \`partials/runbook/escalation.md\`

**Every page may look different:** this pull request changes \`partials/footer.hbs\`.

### Pages removed or renamed (4)

- \`src/deploys/moved.md\` renamed to [Moved into a folder](${P}/deploys/moved/) (\`src/deploys/moved/index.md\`). Its address \`/deploys/moved/\` stays the same.
- \`src/deploys/retired.md\` removed. **Its old address \`/deploys/retired/\` no longer works**: links and alerts pointing there get "page not found". If another page replaces it, add \`aliases: [/deploys/retired/]\` to that page's front matter.
- \`src/queues/forgotten.md\` renamed to [Forgotten](${P}/queues/remembered/) (\`src/queues/remembered.md\`). **Its old address \`/queues/forgotten/\` no longer works**: links and alerts pointing there get "page not found". To keep it working, add \`aliases: [/queues/forgotten/]\` to the front matter of \`src/queues/remembered.md\`.
- \`src/queues/old-name.md\` renamed to [Old name](${P}/queues/renamed/) (\`src/queues/renamed.md\`). Its old address \`/queues/old-name/\` still works: it redirects there.

### Problems (0 errors, 1 warning)

- warning \`src/queues/index.md:3:1\` \\\`order\\\` lists "old-name", but this folder has no page or subfolder of that name
  hint: Use file names without .md: backlog, new-page, remembered, renamed, stale.

### Runbooks due for review (1)

- \`src/queues/stale.md\`: owner platform, 226 days overdue (due 2026-04-10)
`);
    // The job summary is the same text without the marker; the workflow learns that the head passed.
    expect(r.stepSummary).toBe(r.comment.slice(COMMENT_MARKER.length + 1));
    expect(r.output).toBe('passed=true\n');
  });

  it('a head with an error: no preview, the problem with its line and hint, moves not checked', async () => {
    writeProject(repo, { 'src/queues/new-page.md': '---\ntitle: New page\ntype: page\n---\nSee [rollback](deploys/rollback.md).\n' });
    git(repo, 'commit', '-qam', 'a broken link');
    const r = await run(['--base', base, '--preview-url', '']);
    expect(r.code).toBe(0);
    expect(r.output).toBe('passed=false\n');
    expect(r.comment).toContain('**No preview:** the site did not build because of the problems listed below. Fix them and push again; the preview appears here.\n');
    expect(r.comment).toContain('### Pages added (1)\n\n- `src/queues/new-page.md` (not built: it has an error, see Problems)\n');
    expect(r.comment).toContain('### Pages changed (1)\n\n- `src/queues/backlog.md`\n'); // no link: there is no preview
    expect(r.comment).toContain('- `src/monitoring/escalation.md`: includes `partials/runbook/escalation.md`\n');
    expect(r.comment).toContain(
      '### Problems (1 error, 1 warning)\n\n' +
        '- warning `src/queues/index.md:3:1` \\`order\\` lists "old-name", but this folder has no page or subfolder of that name\n' +
        '  hint: Use file names without .md: backlog, new-page, remembered, renamed, stale.\n' +
        '- **error** `src/queues/new-page.md:5:16` the link to deploys/rollback.md goes to no page or file \\(looked for queues/deploys/rollback.md in the source folder\\)\n' +
        '  hint: Check the file name and folder; links are relative to this file, e.g. ../deploys/rollback.md.\n',
    );
    expect(r.comment).toContain('- `src/deploys/retired.md` removed. Its old address was `/deploys/retired/` (not checked: the site did not build).\n');
    // the same problems, word for word, as \`npm run check\` prints them (and annotates them)
    const check = cli(repo, ['--check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('src/queues/new-page.md:5:16  the link to deploys/rollback.md goes to no page or file (looked for queues/deploys/rollback.md in the source folder)\n    hint: Check the file name and folder; links are relative to this file, e.g. ../deploys/rollback.md.\n');
    expect(check.stderr).toContain('src/queues/index.md:3:1  `order` lists "old-name", but this folder has no page or subfolder of that name\n    hint: Use file names without .md: backlog, new-page, remembered, renamed, stale.\n');
    expect(r.comment).toContain('### Runbooks due for review\n\nNot known: the check stopped before review dates were read.\n');
    git(repo, 'reset', '-q', '--hard', 'HEAD~1');
  });

  it('says what is wrong when a commit is not in the checkout', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      expect(await run(['--base', '0123456789abcdef0123456789abcdef01234567'])).toMatchObject({ code: 1 });
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/^pr-summary: git diff --name-status -z -M 0123456789abcdef0123456789abcdef01234567\.\.\.HEAD failed: .*\nCheck that both commits are in this checkout \(in GitHub Actions, check out with fetch-depth: 0\)\.$/s);
  });
});
