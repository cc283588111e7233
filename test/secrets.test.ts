/**
 * The secret scan (issue 12, section 2): every common credential format is caught, look-alikes
 * pass, and every place whose bytes are published or feed a page is scanned, in any encoding and
 * at any size. Fake values are built at runtime (test/helpers/credentials.ts).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { findSecrets, findSecretsInMany, scanBytes, WINDOW } from '../lib/secrets/scan.ts';
import { PRESET_FILTERS, PRESET_NEEDLES } from '../lib/secrets/triggers.ts';
import { BUILD_CLI, cli, writeProject } from './helpers/cli.ts';
import { credentials, lookAlikes } from './helpers/credentials.ts';
import { tempDir } from './helpers/fixtures.ts';

const byName = new Map(credentials().map((c) => [c.name, c.text]));
const fake = (name: string) => byName.get(name)!;
/** The secret part of a one-line credential: its longest run of token characters. */
const secretOf = (text: string) => text.match(/[A-Za-z0-9_+/.~-]{12,}/g)!.sort((a, b) => b.length - a.length)[0]!;

describe('credential formats', () => {
  for (const c of credentials()) {
    it(`finds ${c.name}, and never prints it whole`, async () => {
      const found = await findSecrets(`Paste from the console:\n\n    ${c.text.split('\n').join('\n    ')}\n`);
      expect(found.length, c.text).toBeGreaterThanOrEqual(1);
      expect(found[0]!.line).toBe(3);
      // At most 4 characters of the value are shown.
      for (const f of found) expect(f.redacted).toMatch(/^\S{1,4}\*{1,8} \(\d+ characters\)$/);
    });
  }

  it('reports where the value starts: file line and column', async () => {
    const [f] = await findSecrets(`line one\n  export TOKEN=x && ${fake('GitHub OAuth token').replace('token: ', 'GH=')}\n`);
    expect(f).toMatchObject({ line: 2, code: 'secret/github', name: 'a GitHub token' });
    expect(f!.column).toBe(`  export TOKEN=x && GH=`.length + 1);
  });

  for (const c of lookAlikes()) {
    it(`passes ${c.name}`, async () => {
      expect(await findSecrets(c.text)).toEqual([]);
    });
  }

  it('passes any line with the allow marker, and only that line', async () => {
    const line = fake('Stripe live secret key');
    const found = await findSecrets(`${line}  # secret-scan: allow\n${line}\n`);
    expect(found.map((f) => f.line)).toEqual([2]);
  });
});

describe('many pages scanned together (the build scans pages this way)', () => {
  it('finds every format, in its own page at its own line, and nothing in look-alikes or plain pages', async () => {
    const page = (i: number, body: string) =>
      `---\ntitle: Page ${i}\n---\n# Page ${i}\n\nThe secret token rotation runs at 02:00; see the key vault.\r\n\n${body}\n\nDone.\n`;
    const plain = Array.from({ length: 300 }, (_, i) => page(i, 'Restart the worker: `systemctl restart worker`. Passwords live in the vault.'));
    const found = credentials().map((c, i) => page(i, `Paste:\n\n    ${c.text.split('\n').join('\n    ')}`));
    const alike = lookAlikes().map((c, i) => page(i, c.text));
    // Interleaved, and each credential page twice (a copy of a page must be reported too).
    const texts = [...plain.slice(0, 100), ...found, ...alike, ...plain.slice(100), ...found];
    const results = await findSecretsInMany(texts);
    expect(results).toHaveLength(texts.length);
    const valueLine = page(0, 'Paste:').split('\n').indexOf('Paste:') + 3; // 1-based, after "Paste:" and a blank line
    for (const [i, text] of texts.entries()) {
      const credential = found.indexOf(text);
      if (credential === -1) expect(results[i], text).toEqual([]);
      else {
        expect(results[i]!.length, text).toBeGreaterThanOrEqual(1);
        expect(results[i]![0]!.line, text).toBe(valueLine);
        expect(results[i]).toEqual(await findSecrets(text));
      }
    }
  });

  it('knows the strings every rule of the secretlint preset needs (a rule without them would never run)', () => {
    const scanners = recommended.rules.map((r) => r.meta.id.replace('@secretlint/secretlint-rule-', '')).filter((id) => !PRESET_FILTERS.includes(id));
    expect(scanners.length).toBeGreaterThan(10);
    expect(scanners.filter((id) => !PRESET_NEEDLES[id])).toEqual([]);
  });
});

describe('bytes in any encoding, at any size', () => {
  const text = `first line\nsecond\n${fake('GitLab personal access token')}\n`;
  const column = fake('GitLab personal access token').indexOf('glpat') + 1;

  it('UTF-16 LE and BE with a byte-order mark, and LE without one (PowerShell)', async () => {
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const bytes of [Buffer.concat([Buffer.from([0xff, 0xfe]), le]), Buffer.concat([Buffer.from([0xfe, 0xff]), be]), le]) {
      const found = await scanBytes([bytes]);
      expect(found.map((f) => [f.line, f.column, f.code])).toEqual([[3, column, 'secret/gitlab-token']]);
    }
  });

  it('a text file with NUL bytes and CRLF line ends', async () => {
    const bytes = Buffer.concat([Buffer.from('bin\0\0ary\r\n'), Buffer.from(text.replace(/\n/g, '\r\n'))]);
    expect((await scanBytes([bytes])).map((f) => f.line)).toEqual([4]);
  });

  it('a secret across the seam of two windows is found once, at the right line', async () => {
    const key = fake('RSA private key');
    const filler = 'x'.repeat(99) + '\n';
    const before = filler.repeat(Math.floor((WINDOW - 200) / filler.length));
    const big = `${before}${key}\n${filler.repeat(Math.ceil(WINDOW / filler.length))}${fake('Vault service token')}\n`;
    // Fed in odd-sized chunks, as a read stream would.
    const buf = Buffer.from(big);
    const chunks = [];
    for (let i = 0; i < buf.length; i += 65_537) chunks.push(buf.subarray(i, i + 65_537));
    const found = await scanBytes(chunks);
    const keyLine = before.split('\n').length;
    const vaultLine = keyLine + key.split('\n').length + Math.ceil(WINDOW / filler.length);
    expect(found.map((f) => [f.code, f.line])).toEqual([
      ['secret/privatekey', keyLine],
      ['secret/vault-token', vaultLine],
    ]);
  });
});

describe('every place that is published or feeds a page', () => {
  let project: string;
  let run: ReturnType<typeof cli>;
  const folder = secretOf(fake('npm access token'));
  const utf16 = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
  // Each place: the file, the line of the secret, and the fake in it.
  const places: { file: string; line: number; secret: string }[] = [
    { file: 'site.yml', line: 2, secret: secretOf(fake('GitHub personal access token (classic)')) },
    { file: 'layouts/default.hbs', line: 2, secret: secretOf(fake('Slack bot token')) },
    { file: 'partials/note.md', line: 1, secret: secretOf(fake('Vault service token')) },
    { file: 'templates/runbook.md', line: 3, secret: secretOf(fake('Stripe live secret key')) },
    { file: 'assets/app.js', line: 1, secret: fake('Google API key').split('key=')[1]! },
    { file: 'src/scripts/setup.ps1', line: 3, secret: secretOf(fake('Azure AD client secret')) },
    { file: 'src/scripts/nobom.ps1', line: 2, secret: secretOf(fake('Anthropic API key')) },
    { file: 'src/dump.bin', line: 2, secret: secretOf(fake('GitHub OAuth token')) },
    { file: 'mkdocs.yml', line: 3, secret: secretOf(fake('Twilio API key')) },
  ];

  beforeAll(() => {
    project = tempDir('secret-places-');
    const [site, layout, partial, template, asset, ps1, nobom, dump, mkdocs] = places;
    writeProject(project, {
      'site.yml': `title: Runbooks\n# deploy with ${site!.secret}\n`,
      'layouts/default.hbs': `<title>{{page.title}}</title>{{{content}}}\n<!-- ${layout!.secret} -->\n`,
      'partials/note.md': `Token: ${partial!.secret}\n`,
      'templates/runbook.md': `---\ntitle: New\nstripe: ${template!.secret}\n---\n`,
      'assets/app.js': `const key = "${asset!.secret}";\n`,
      'mkdocs.yml': `docs_dir: src\nnav:\n  - Home ${mkdocs!.secret}: index.md\n`,
      'src/index.md': '---\ntitle: Home\n---\nHome.\n',
      [`src/${folder}/page.md`]: '---\ntitle: Page\n---\nText.\n',
      'src/scripts/setup.ps1': utf16(`# setup\n$x = 1\n$secret = "${ps1!.secret}"\n`),
      'src/scripts/nobom.ps1': Buffer.from(`# no BOM\n$key = "${nobom!.secret}"\n`, 'utf16le'),
      'src/dump.bin': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]), Buffer.from(`\n${dump!.secret}\n`)]),
    });
    run = cli(project);
  });

  it('fails the build and publishes nothing', () => {
    expect(run.code, run.out).toBe(1);
    expect(fs.existsSync(path.join(project, 'build'))).toBe(false);
  });

  for (const p of [
    { file: 'site.yml', line: 2 },
    { file: 'layouts/default.hbs', line: 2 },
    { file: 'partials/note.md', line: 1 },
    { file: 'templates/runbook.md', line: 3 },
    { file: 'assets/app.js', line: 1 },
    { file: 'src/scripts/setup.ps1 (UTF-16 with a BOM)', line: 3 },
    { file: 'src/scripts/nobom.ps1 (UTF-16 without a BOM)', line: 2 },
    { file: 'src/dump.bin (NUL bytes)', line: 2 },
    { file: 'mkdocs.yml (navigation labels, above src/)', line: 3 },
  ]) {
    it(`scans ${p.file}`, () => {
      const file = p.file.replace(/ \(.*/, '');
      expect(run.stderr, run.out).toMatch(new RegExp(`^${file.replace(/\./g, '\\.')}:${p.line}:\\d+  this looks like `, 'm'));
    });
  }

  it('scans file and folder names, and redacts them in the path it prints', () => {
    expect(run.stderr).toMatch(/^src\/npm_\*+\/page\.md:1:1 {2}the name of this file or of a folder above it looks like an npm token: npm_\*+ \(40 characters\)$/m);
  });

  it('never prints a secret whole', () => {
    for (const p of places) expect(run.out).not.toContain(p.secret);
    expect(run.out).not.toContain(folder);
  });
});

describe('with the render cache (a page known to be clean is not scanned again)', () => {
  it('still finds a secret in a changed page, in a copy of a clean page, and behind an allow marker taken away', () => {
    const project = tempDir('secret-cache-');
    const clean = (i: number) => `---\ntitle: Page ${i}\n---\nRestart the worker with the secret token from the vault.\n`;
    const key = fake('Stripe live secret key');
    writeProject(project, { 'site.yml': 'title: Runbooks\n', 'layouts/default.hbs': '<title>{{page.title}}</title>{{{content}}}', 'src/index.md': clean(0), 'src/a.md': clean(1), 'src/b.md': clean(2), 'src/c.md': `${clean(3)}\n${key}  # secret-scan: allow\n` });
    for (let i = 0; i < 2; i++) {
      const r = cli(project);
      expect(r.code, r.out).toBe(0);
    }
    expect(fs.readdirSync(path.join(project, 'node_modules/.cache/runbook-smith')).length).toBeGreaterThan(0);

    fs.writeFileSync(path.join(project, 'src/a.md'), `${clean(1)}\n${key}\n`); // a changed page
    fs.writeFileSync(path.join(project, 'src/d.md'), clean(2)); // a copy of a clean page: its name is new
    fs.writeFileSync(path.join(project, 'src/c.md'), `${clean(3)}\n${key}\n`); // the marker taken away
    const r = cli(project);
    expect(r.code, r.out).toBe(1);
    expect(r.stderr).toMatch(/^src\/a\.md:6:\d+ {2}this looks like a Stripe live key/m);
    expect(r.stderr).toMatch(/^src\/c\.md:6:\d+ {2}this looks like a Stripe live key/m);
    expect(r.stderr).not.toMatch(/^src\/[bd]\.md/m);

    fs.writeFileSync(path.join(project, 'src/a.md'), clean(1));
    fs.writeFileSync(path.join(project, 'src/c.md'), clean(3));
    const again = cli(project);
    expect(again.code, again.out).toBe(0);
  });
});

describe('a file over 20 MB', () => {
  it('is scanned to its end, in a child process within 120 s', () => {
    const project = tempDir('secret-big-');
    const line = 'INFO 2026-12-01T00:00:00Z worker=7 queue=orders depth=120 latency_ms=35 status=ok\n';
    const lines = Math.ceil(22_000_000 / line.length);
    const secret = fake('SendGrid API key');
    writeProject(project, {
      'site.yml': 'title: Runbooks\n',
      'layouts/default.hbs': '<title>{{page.title}}</title>{{{content}}}',
      'src/index.md': '---\ntitle: Home\n---\nHome.\n',
      'src/logs/worker.log': Buffer.concat([Buffer.from(line.repeat(lines)), Buffer.from(`${secret}\n`)]),
    });
    const r = spawnSync(process.execPath, [...BUILD_CLI, '--check'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(r.signal, 'timed out').toBeNull();
    expect(r.stderr).toMatch(new RegExp(`^src/logs/worker\\.log:${lines + 1}:18  this looks like a SendGrid API key: SG\\.`, 'm'));
    expect(r.status).toBe(1);
  }, 130_000);
});
