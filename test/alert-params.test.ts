/**
 * Issue 15, the alert's context in the page (build side): placeholders a runbook declares in
 * `params:` and uses in {{env-command}} as `{topic}` become marked spans (filled in the browser
 * from the alert's URL); one used but not declared fails the build at its line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

const SITE = `title: Params
runbook_sections: [queues]
teams:
  - { id: platform, name: Platform }
environments:
  - { id: dev, name: dev, account: a, account_id: "1", role: r, cluster: dev-c, region: us-west-2, bastion: b }
  - { id: prod, name: prod, account: a, account_id: "2", role: r, cluster: prod-c, region: us-west-2, bastion: b, production: true }
`;

const page = (params: string, command: string) => `---
title: Backlog
owner: platform
severity: critical
services: [nsqd]
alerts: [nsq.depth]
${params}last_reviewed: 2026-11-01
---
## Mitigation

{{env-command "${command}"}}
`;

function project(md: string): string {
  const dir = tempDir('alert-params-');
  writeProject(dir, { 'site.yml': SITE, 'layouts/default.hbs': '<title>{{page.title}}</title>{{{content}}}', 'src/index.md': '---\ntitle: Home\n---\nHome.\n', 'src/queues/backlog.md': md });
  return dir;
}

describe('params: placeholders in commands', () => {
  it('declared placeholders become marked spans in every environment, environment fields filled', () => {
    const dir = project(page('params: [topic, channel]\n', 'nsq_stat --cluster {cluster} --topic={topic} --channel={channel} --x={topic}'));
    const r = cli(dir);
    expect(r.code, r.out).toBe(0);
    const html = fs.readFileSync(path.join(dir, 'build/queues/backlog/index.html'), 'utf8');
    const spans = html.match(/<span class="rs-param" data-param="[a-z]+">\{[a-z]+\}<\/span>/g) ?? [];
    expect(spans).toEqual(Array(2).fill(['<span class="rs-param" data-param="topic">{topic}</span>', '<span class="rs-param" data-param="channel">{channel}</span>', '<span class="rs-param" data-param="topic">{topic}</span>']).flat());
    expect(html).toContain('prod-c');
    expect(html).not.toMatch(/[\uE0A0-\uE0FF]/);
  });

  it('a placeholder used but not declared: error at its line, with the params: line to add, nothing published', () => {
    const dir = project(page('params: [topic]\n', 'nsq_stat --topic={topic} --channel={channel}'));
    const r = cli(dir);
    expect(r.stderr).toContain('src/queues/backlog.md:12:1  `{channel}` is not an environment field, and this page does not declare it in params:');
    expect(r.stderr).toContain("hint: Declare it in the front matter, params: [topic, channel] (the alert's URL fills it: ?channel=...), or use an environment field");
    expect(r.code).toBe(1);
    expect(fs.existsSync(path.join(dir, 'build'))).toBe(false);
  });
});
