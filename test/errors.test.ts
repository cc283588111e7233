/**
 * Every mistake a non-engineer can make in the web editor gets a message they can act on:
 * `path:LINE:COL  what is wrong` and a hint, all problems in one run, a non-zero exit, and the
 * previously published build/ left byte-identical.
 *
 * One project holds every bad input at once and is built once with the real CLI; each test then
 * asserts its own message. A good build is published first, so "unchanged" is checked against a
 * real previous site.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, writeProject } from './helpers/cli.ts';
import { credentials } from './helpers/credentials.ts';
import { readTree, tempDir } from './helpers/fixtures.ts';

const SITE = `title: Errors
runbook_sections: [queues]
teams:
  - { id: platform, name: Platform }
environments:
  - { id: prod, name: prod, account: a, account_id: "1", role: r, cluster: c, region: us-west-2, bastion: b, production: true }
`;

const runbook = (extra: string) => `---
title: A runbook
owner: platform
severity: warning
services: [api]
last_reviewed: 2026-11-01
${extra}
---
## Meaning
`;

const GOOD: Record<string, string> = {
  'site.yml': SITE,
  'layouts/default.hbs': '<title>{{page.title}}</title>{{{content}}}',
  'src/index.md': '---\ntitle: Home\n---\nHome.\n',
  'src/ok.md': '---\ntitle: OK\n---\n## Real heading\n',
};

/** Each bad input: its file(s), and the exact first line and hint of the message it must get. */
const BAD: { name: string; files: Record<string, string>; message: string; hint?: RegExp }[] = [
  {
    name: 'front matter: invalid YAML, with the offending line',
    files: { 'src/fm-yaml.md': '---\ntitle: Bad YAML\ndescription: "never closed\nowner: x\n---\nBody\n' },
    message: 'src/fm-yaml.md:3:14  the front matter is not valid YAML: unexpected end of the stream within a double quoted scalar',
    hint: /put values containing ":" .* in quotes/,
  },
  {
    name: 'front matter: a --- block never closed',
    files: { 'src/fm-unclosed.md': '---\ntitle: Never closed\n\nBody text.\n' },
    message: 'src/fm-unclosed.md:1:1  the front matter that starts on line 1 with "---" is never closed',
    hint: /Add a line with just "---"/,
  },
  {
    name: 'front matter: a field of the wrong type',
    files: { 'src/fm-type.md': '---\ntitle: Wrong type\ndraft: maybe\n---\n' },
    message: 'src/fm-type.md:3:1  `draft` must be true or false, not the text "maybe"',
  },
  {
    name: 'front matter: an unknown layout',
    files: { 'src/fm-layout.md': '---\ntitle: Fancy\nlayout: fancy\n---\n' },
    message: 'src/fm-layout.md:3:1  there is no layout named "fancy"',
    hint: /Use one of: default/,
  },
  {
    name: 'front matter: a misspelled field',
    files: { 'src/fm-typo.md': '---\ntitle: Typo\ndescripton: oops\n---\n' },
    message: 'src/fm-typo.md:3:1  unknown field `descripton` — did you mean `description`?',
  },
  {
    name: 'front matter: a value not in the list (severity)',
    files: { 'src/queues/sev.md': runbook('severity: high\nalerts: [sev.alert]').replace('severity: warning\n', '') },
    message: 'src/queues/sev.md:6:1  `severity` must be one of: warning, critical (found the text "high")',
  },
  {
    name: 'runbook: a required runbook field missing',
    files: { 'src/queues/no-alerts.md': runbook('') },
    message: 'src/queues/no-alerts.md:1:1  this runbook has no `alerts`',
    hint: /Add "alerts: \[alert.name\]"/,
  },
  {
    name: 'template: an unknown helper',
    files: { 'src/tpl-helper.md': '---\ntitle: Helper typo\n---\nFirst line.\n\n{{env-comand "ls"}}\n' },
    message: 'src/tpl-helper.md:6:1  `{{env-comand}}` is not a helper or a value this page knows',
    hint: /Helpers: env-command, callout, env.*write \\\{\{/,
  },
  {
    name: 'template: an unknown partial',
    files: { 'src/tpl-partial.md': '---\ntitle: Partial typo\n---\n{{> runbook/escalatoin}}\n' },
    message: 'src/tpl-partial.md:4:1  there is no partial named "runbook/escalatoin"',
  },
  {
    name: 'template: an unclosed {{#block}}',
    files: { 'src/tpl-unclosed.md': '---\ntitle: Unclosed\n---\nIntro.\n\n{{#callout "warning"}}\nCareful.\n' },
    message: 'src/tpl-unclosed.md:6:1  {{#callout}} is opened here and never closed',
    hint: /Add \{\{\/callout\}\}.*\\\{\{/,
  },
  {
    name: 'template: a helper called with wrong arguments',
    files: { 'src/tpl-args.md': '---\ntitle: Loud\n---\n\n{{#callout "loud"}}\nText\n{{/callout}}\n' },
    message: 'src/tpl-args.md:5:1  callout kind "loud" is not one of: note, warning, danger',
  },
  {
    name: 'template: env-command with an unknown field',
    files: { 'src/tpl-env.md': '---\ntitle: Env field\n---\n{{env-command "ssh {host}"}}\n' },
    message: 'src/tpl-env.md:4:1  `{host}` is not an environment field, and this page does not declare it in params:',
  },
  {
    name: 'template: env reads only an environment\'s own fields, not what every object inherits',
    files: { 'src/tpl-proto.md': '---\ntitle: Proto\n---\nRegion {{env "prod" "constructor"}}.\n' },
    message: 'src/tpl-proto.md:4:8  environment "prod" has no field "constructor"',
    hint: /Use one of: id, name, account/,
  },
  {
    name: 'template: callout kinds are its own, not inherited names',
    files: { 'src/tpl-proto-callout.md': '---\ntitle: Proto callout\n---\n{{#callout "toString"}}x{{/callout}}\n' },
    message: 'src/tpl-proto-callout.md:4:1  callout kind "toString" is not one of: note, warning, danger',
  },
  {
    name: 'a file name with a comma and a value with a line break: one line each, nothing injected',
    files: { 'src/odd,name.md': '---\ntitle: Odd\n"fake\\n::error file=src/x.md,line=1::injected": 1\ndraft: "maybe\\n::warning::also injected"\n---\n' },
    message: 'src/odd,name.md:4:1  `draft` must be true or false, not the text "maybe\\n::warning::also injected"',
  },
  {
    name: 'an .html file in src/: a message, not a crash of the permalinks stage',
    files: { 'src/legacy/report.html': '<p>Exported report</p>\n' },
    message: 'src/legacy/report.html:1:1  this is an HTML file; pages are written in Markdown, and an .html file in src/ is not published',
    hint: /Rename it to \.md/,
  },
  {
    name: 'template: a partial that includes itself',
    files: {
      'partials/loop/a.md': 'A then {{> loop/b}}\n',
      'partials/loop/b.md': 'B then\n{{> loop/a}}\n',
      'src/tpl-loop.md': '---\ntitle: Loop\n---\n{{> loop/a}}\n',
    },
    message: 'partials/loop/b.md:2:1  partial "loop/b" includes itself: loop/a → loop/b → loop/a',
  },
  {
    name: 'template: the page that uses a looping partial is named too (no stack overflow)',
    files: {},
    message: 'src/tpl-loop.md:4:1  a partial used on this page includes itself, so the page can never finish',
  },
  // Every template problem of a page, each at its own line and column, with front matter of
  // several lines above (issue 12): syntax problems found all at once...
  {
    name: 'template: every syntax problem of a page (1 of 3): a {{ never closed',
    files: { 'src/tpl-many.md': '---\ntitle: Many\ndescription: Several mistakes\nowner: platform\n---\nIntro.\n\nA {{ broken }\n\nB {{/each}}\n\nC {{#callout "note"}}\n' },
    message: 'src/tpl-many.md:8:3  this {{ is never closed with }}',
  },
  { name: 'template: every syntax problem of a page (2 of 3): a block closed that is not open', files: {}, message: 'src/tpl-many.md:10:3  {{/each}} closes a block that is not open' },
  { name: 'template: every syntax problem of a page (3 of 3): a block never closed', files: {}, message: 'src/tpl-many.md:12:3  {{#callout}} is opened here and never closed' },
  // ...and every failing helper, value and partial, where each is written.
  {
    name: 'template: every render problem of a page (1 of 4): an unknown helper',
    files: { 'src/tpl-many-run.md': '---\ntitle: Many run\ndescription: Several mistakes\nowner: platform\n---\nIntro.\n\nA {{nohelper}} b\n\nC {{env "prod" "nofield"}}\n\n{{> (lookup this "title")}}\n\nD {{env "prod" "region" "extra"}}\n' },
    message: 'src/tpl-many-run.md:8:3  `{{nohelper}}` is not a helper or a value this page knows',
  },
  { name: 'template: every render problem of a page (2 of 4): a helper refusing its values', files: {}, message: 'src/tpl-many-run.md:10:3  environment "prod" has no field "nofield"' },
  {
    name: 'template: every render problem of a page (3 of 4): a computed partial name, at its include',
    files: {},
    message: 'src/tpl-many-run.md:12:1  this include computes the partial name "Many run", and there is no partial of that name',
  },
  { name: 'template: every render problem of a page (4 of 4): a helper given too many values, at its call', files: {}, message: 'src/tpl-many-run.md:14:3  {{env}} takes 2 values, and this gives it 3' },
  {
    name: 'links: a broken link deep in the body, after link text that reads like its target',
    files: { 'src/link-deep.md': '---\ntitle: Deep link\ndescription: A page\nowner: platform\n---\nIntro mentions gone.md and [gone.md](ok.md).\n\nMore text.\n\nThen [the real one](gone.md) here.\n' },
    message: 'src/link-deep.md:10:21  the link to gone.md goes to no page or file (looked for gone.md in the source folder)',
  },
  {
    name: 'links: a link to a page that does not exist',
    files: { 'src/link-page.md': '---\ntitle: Link\n---\nSee [rollback](deploys/rollback.md).\n' },
    message: 'src/link-page.md:4:16  the link to deploys/rollback.md goes to no page or file (looked for deploys/rollback.md in the source folder)',
  },
  {
    name: 'links: an anchor that does not exist',
    files: { 'src/link-anchor.md': '---\ntitle: Anchor\n---\n\nSee [it](ok.md#no-such-heading).\n' },
    message: 'src/link-anchor.md:5:10  the link to ok.md#no-such-heading names the anchor #no-such-heading, but src/ok.md has no heading with that id',
    hint: /that page has: #real-heading/,
  },
  {
    name: 'links: an image that does not exist',
    files: { 'src/link-image.md': '---\ntitle: Image\n---\n![diagram](diagram.png)\n' },
    message: 'src/link-image.md:4:12  the link to diagram.png goes to no page or file (looked for diagram.png in the source folder)',
  },
  {
    name: 'two pages that would publish to the same URL (names both)',
    files: { 'src/Same-Page.md': '---\ntitle: One\n---\n', 'src/same-page.md': '---\ntitle: Two\n---\n' },
    message: 'src/same-page.md:1:1  this page and src/Same-Page.md would both be published at /same-page/',
  },
  {
    name: 'runbooks: an alert claimed by two runbooks (names both)',
    files: { 'src/queues/one.md': runbook('alerts: [shared.alert]'), 'src/queues/two.md': runbook('alerts: [other.alert, shared.alert]') },
    message: 'src/queues/two.md:7:1  alert "shared.alert" is already claimed by src/queues/one.md; an alert links to one runbook',
  },
];

/** Secrets: the message names the kind and shows only the start of the value. */
const STRIPE = credentials().find((c) => c.name === 'Stripe live secret key')!.text;
const SECRETS: { name: string; line: string; message: string; secret?: string }[] = [
  { name: 'AWS access key id', line: 'export AWS_ACCESS_KEY_ID=AKIAZ7Q4XPLM3VB2RT6N', message: 'this looks like an AWS access key id: AKIA******** (20 characters)' },
  { name: 'AWS secret key', line: 'aws_secret_access_key = 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', message: 'this looks like an AWS secret access key: 9drT******** (40 characters)' },
  // Built at runtime so this file holds no live-looking key (test/helpers/credentials.ts).
  { name: 'Stripe live key', line: STRIPE, message: 'this looks like a Stripe live key: sk_l******** (107 characters)', secret: STRIPE.split('=')[1]!.slice(4) },
  { name: 'GitHub token', line: 'token: ghp_4kQ9zR2mX7vB1nC8dF3gH6jK0lP5sT9wY2aE', message: 'this looks like a GitHub token: ghp_******** (40 characters)' },
  { name: 'Slack token', line: 'SLACK=xoxb-2847561930-5829174630-Qm8vR3kT9zX2', message: 'this looks like a Slack token: xoxb******** (39 characters)' },
  { name: 'Datadog key', line: 'DD_API_KEY=4f9c2a7e1b8d3f6a0c5e9b2d7a4f1c8e', message: 'this looks like a Datadog API or application key: 4f9c******** (32 characters)' },
  { name: 'password in a URL', line: 'psql postgres://admin:Tr0ub4dor3x@db.internal/app', message: 'this looks like a password in a database connection string: T******** (11 characters)' },
];

const ALLOWED = [
  'aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE',
  'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'psql postgres://admin:$PGPASSWORD@db.internal/app',
  'mysql://user:<password>@host/db',
  'export DD_API_KEY=0123456789abcdef0123456789abcdef # secret-scan: allow',
];

let project: string;
let run: ReturnType<typeof cli>;
let before: Map<string, Buffer>;
let beforeTarget: string;

beforeAll(() => {
  project = tempDir('errors-');
  writeProject(project, GOOD);
  const good = cli(project);
  expect(good.code, good.out).toBe(0);
  before = readTree(path.join(project, 'build'));
  beforeTarget = fs.readlinkSync(path.join(project, 'build'));

  const files: Record<string, string> = {};
  for (const b of BAD) Object.assign(files, b.files);
  files['src/secrets.md'] = ['---', 'title: Secrets', '---', ...SECRETS.map((s) => `    ${s.line}`), ''].join('\n');
  files['src/allowed.md'] = ['---', 'title: Allowed placeholders', '---', ...ALLOWED.map((l) => `    ${l}`), ''].join('\n');
  writeProject(project, files);
  run = cli(project);
});

describe('a build with mistakes', () => {
  it('exits 1, reports every problem (not only the first) and ends with a count', () => {
    expect(run.code, run.out).toBe(1);
    // One line per bad input, plus the page that uses the looping partial (it is named too).
    const count = BAD.length + SECRETS.length;
    expect(run.stderr).toMatch(new RegExp(`\\n${count} errors, \\d+ warnings?\\.\\n`));
    expect(run.stderr).toContain('Build failed: nothing was published; the previous site is unchanged.');
  });

  it('leaves the previously published build/ byte-identical', () => {
    expect(fs.readlinkSync(path.join(project, 'build'))).toBe(beforeTarget);
    const after = readTree(path.join(project, 'build'));
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [k, v] of before) expect(after.get(k)!.equals(v), k).toBe(true);
    // Nor is anything of the failed build left beside it.
    expect(fs.readdirSync(path.join(project, '.build-releases'))).toEqual([path.basename(beforeTarget)]);
  });

  for (const b of BAD) {
    it(b.name, () => {
      const lines = run.stderr.split('\n');
      const at = lines.indexOf(b.message);
      expect(at, `expected the line\n  ${b.message}\nin\n${run.stderr}`).toBeGreaterThanOrEqual(0);
      expect(lines[at + 1]).toMatch(/^ {4}hint: \S/);
      if (b.hint) expect(lines[at + 1]).toMatch(b.hint);
    });
  }

  for (const [i, s] of SECRETS.entries()) {
    it(`secrets: ${s.name} fails with file:line and is never printed in full`, () => {
      const lines = run.stderr.split('\n');
      const line = 4 + i;
      const hit = lines.find((l) => l.startsWith(`src/secrets.md:${line}:`));
      expect(hit, run.stderr).toBeDefined();
      expect(hit!.replace(/^\S+\s+/, '')).toBe(s.message);
      const secret = s.secret ?? s.line.split(/[= ]/).pop()!.slice(4);
      expect(run.out).not.toContain(secret);
    });
  }

  it('secrets: documented placeholders and the allow marker pass', () => {
    expect(run.stderr).not.toMatch(/^src\/allowed\.md/m);
  });

  it('prints GitHub annotations when run in GitHub Actions', () => {
    const gh = cli(project, [], { GITHUB_ACTIONS: 'true' });
    expect(gh.code).toBe(1);
    expect(gh.stderr).toContain('::error file=src/fm-unclosed.md,line=1,col=1,title=frontmatter/unclosed::the front matter that starts on line 1');
    // Escaped as GitHub's toolkit does: `,` and `:` in properties, `%`, CR, LF in the message.
    expect(gh.stderr).toContain('::error file=src/odd%2Cname.md,line=4,col=1,title=frontmatter/schema::`draft` must be true or false, not the text "maybe%0A::warning::also injected"');
    // Only the build's own workflow commands start a line: nothing a page wrote.
    const commands = gh.stderr.split('\n').filter((l) => l.startsWith('::'));
    expect(commands.length).toBeGreaterThan(0);
    for (const c of commands) expect(c).toMatch(/^::(error|warning) file=[^,:]+,line=\d+,col=\d+,title=[\w/-]+::/);
    expect(gh.stderr).not.toMatch(/^::error file=src\/x\.md/m);
  });

  it('prints what content says on the line it belongs to: no line of the report starts with what a page wrote', () => {
    expect(run.stderr).toContain('src/odd,name.md:3:1  `fake\\n::error file=src/x.md,line=1::injected` is not a known field');
    expect(run.stderr).not.toMatch(/^::/m);
  });
});

describe('site.yml', () => {
  it('is read with a safe loader: a !!js/function tag is a YAML error, never a function', () => {
    const dir = tempDir('site-js-');
    writeProject(dir, { ...GOOD, 'site.yml': `${SITE}description: !!js/function 'function () { return process.exit(7) }'\n` });
    const r = cli(dir);
    expect(r.code, r.out).toBe(1);
    const lines = r.stderr.split('\n');
    const at = lines.indexOf('site.yml:7:14  site.yml is not valid YAML: unknown tag !<tag:yaml.org,2002:js/function>');
    expect(at, r.stderr).toBeGreaterThanOrEqual(0);
    expect(lines[at + 1]).toBe('    hint: Tags such as !!js/function or !!binary are not allowed here: write a plain value (in quotes if it has special characters).');
    expect(fs.existsSync(path.join(dir, 'build'))).toBe(false);
  });
});

describe('npm run check', () => {
  it('validates without writing anything', () => {
    const dir = tempDir('check-');
    writeProject(dir, GOOD);
    const r = cli(dir, ['--check']);
    expect(r.code, r.out).toBe(0);
    expect(r.stdout).toMatch(/^Checked 2 pages, 0 warnings, in \d+\.\d\d s$/m);
    expect(fs.existsSync(path.join(dir, 'build'))).toBe(false);
    const bad = cli(project, ['--check']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Check failed.');
  });

  it('lists runbooks due for review, and --strict fails on them', () => {
    const dir = tempDir('review-');
    writeProject(dir, { ...GOOD, 'src/queues/old.md': runbook('alerts: [old.alert]').replace('2026-11-01', '2026-01-10') });
    const r = cli(dir, ['--check']);
    expect(r.code, r.out).toBe(0);
    // SOURCE_DATE_EPOCH 1795305600 is 2026-11-22; due 90 days after 2026-01-10 = 2026-04-10.
    expect(r.stdout).toContain('Runbooks due for review (1):\n  src/queues/old.md  owner platform, 226 days overdue (due 2026-04-10)');
    const strict = cli(dir, ['--check', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('Strict check failed: 1 runbook is overdue for review.');
  });
});
