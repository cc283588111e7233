/**
 * Bounded time and no crash for inputs that once took minutes or overflowed the stack (issue 12):
 * each build runs in a child process (test/bounded/run.ts) with a CPU limit that is generous for a
 * busy 2-core machine and far below what these took.
 */
import { describe, expect, it } from 'vitest';
import { boundedBuild } from './bounded/run.ts';

const LIMIT_S = 10;
// The wall clock only catches a hang: on a machine shared by six engineers a 10 s CPU build can take minutes.
const WALL_S = 300;

describe('bounded time', () => {
  it('32,000 `order:` entries that name no page, and 16,000 alerts claimed twice', () => {
    const order = Array.from({ length: 32_000 }, (_, i) => `  - nothing-${i}`).join('\n');
    const alerts = Array.from({ length: 16_000 }, (_, i) => `  - alert.${i}`).join('\n');
    const rb = `owner: platform\nseverity: warning\nservices: [api]\nlast_reviewed: 2026-11-01\nalerts:\n${alerts}\n`;
    const r = boundedBuild(WALL_S, {
      'site.yml': 'title: Odd\nrunbook_sections: [ops]\nteams:\n  - { id: platform, name: Platform }\n',
      'src/ops/index.md': `---\ntitle: Ops\norder:\n${order}\n---\n`,
      'src/ops/a.md': `---\ntitle: A\n${rb}---\n`,
      'src/ops/b.md': `---\ntitle: B\n${rb}---\n`,
    });
    expect(r.code, r.out).toBe(1);
    expect(r.seconds).toBeLessThan(LIMIT_S);
    expect(r.stderr).toContain('src/ops/index.md:32003:1  `order` lists "nothing-31999"');
    expect(r.stderr).toContain('src/ops/b.md:16007:1  alert "alert.15999" is already claimed by src/ops/a.md');
  }, 400_000);

  it('16,000 aliases and 16,000 alerts on one page (redirect pages, each line looked up once)', () => {
    const alerts = Array.from({ length: 16_000 }, (_, i) => `  - alert.${i}`).join('\n');
    const aliases = Array.from({ length: 16_000 }, (_, i) => `  - /old/page-${i}/`).join('\n');
    const r = boundedBuild(WALL_S, {
      'site.yml': 'title: Odd\nrunbook_sections: [ops]\nteams:\n  - { id: platform, name: Platform }\n',
      'src/ops/a.md': `---\ntitle: A\nowner: platform\nseverity: warning\nservices: [api]\nlast_reviewed: 2026-11-01\nalerts:\n${alerts}\naliases:\n${aliases}\n  - /ops/a/\n---\n`,
    });
    expect(r.code, r.out).toBe(1);
    expect(r.seconds).toBeLessThan(LIMIT_S);
    // The one bad alias is reported at its own line, after 16,000 alerts and 16,000 aliases.
    expect(r.stderr).toContain("src/ops/a.md:32009:1  the alias /ops/a/ is this page's own address");
  }, 400_000);

  it('10,000 broken links on one page, each at its own line', () => {
    const body = Array.from({ length: 10_000 }, (_, i) => `[x](missing-${i}.md)`).join('\n');
    const r = boundedBuild(WALL_S, { 'src/links.md': `---\ntitle: Links\n---\n${body}\n` });
    expect(r.code, r.out).toBe(1);
    expect(r.seconds).toBeLessThan(LIMIT_S);
    expect(r.stderr).toContain('src/links.md:10003:5  the link to missing-9999.md goes to no page or file');
  }, 400_000);

  // A chain of partials, each including the next: the partials stage walked it by recursion (10,000
  // deep overflowed its stack) and a page rendering it overflowed Handlebars' (2,000 deep was
  // reported as a partial including itself).
  const chain = (n: number) => {
    const files: Record<string, string> = { 'src/deep.md': '---\ntitle: Deep\n---\n{{> p1}}\n' };
    for (let i = 1; i <= n; i++) files[`partials/p${i}.md`] = i < n ? `{{> p${i + 1}}}\nP${i}\n` : `P${i}\n`;
    return files;
  };
  for (const n of [10_000, 2_000]) {
    it(`a chain of ${n.toLocaleString('en')} partials: the depth limit's message at the chain's start and at the page, no crash`, () => {
      const r = boundedBuild(WALL_S, chain(n));
      expect(r.code, r.out).toBe(1);
      // 10,000 partial files cost about 1 ms of CPU each to read, scan for secrets and parse.
      expect(r.seconds).toBeLessThan(30);
      const lines = r.stderr.split('\n');
      expect(lines, r.out).toContain(`partials/p1.md:1:1  partial "p1" starts a chain of ${n} partials, each including the next (p1 → p2 → p3 → p4 → …); the limit is 100 levels`);
      expect(lines, r.out).toContain(`src/deep.md:4:1  partial "p1" starts a chain of ${n} partials, each including the next; the limit is 100 levels, so this page is not rendered`);
      // Once, at the start: not again for p2, p3...
      expect(r.stderr).not.toContain('partials/p2.md:');
      expect(r.stderr).not.toContain('includes itself');
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).toMatch(/^2 errors/m);
    }, 400_000);
  }
});
