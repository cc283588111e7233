/**
 * Issue 15, "alert rules and the site agree": Prometheus rule files and Datadog monitors in Terraform
 * checked by `npm run check` against the runbooks, each problem at the rule file's line, with the
 * summary line; --strict makes an alert without a runbook an error. Real CLI, real parsers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDatadogTerraform, parsePrometheusRules } from '../lib/alerts/rules.ts';
import { cli, writeProject } from './helpers/cli.ts';
import { tempDir } from './helpers/fixtures.ts';

const SITE = `title: Rules
url: https://rb.example
runbook_sections: [queues]
teams:
  - { id: platform, name: Platform }
alert_rules:
  - rules/*.tf
  - rules/*.yml
`;

const MONITORS = `resource "datadog_monitor" "depth" {
  name    = "nsq.channel.depth.high"
  type    = "metric alert"
  query   = "avg(last_10m):avg:nsq.channel.depth{env:prod} > 50000"
  message = <<-EOT
    {{#is_alert}}Depth is {{value}}. Dashboard: https://app.datadoghq.com/dash/1
    Runbook: https://rb.example/queues/backed-up/?env={{env.name}} @pagerduty{{/is_alert}}
  EOT
}

resource "datadog_monitor" "orphan" {
  name    = "api.latency.high"
  type    = "metric alert"
  query   = "avg(last_5m):avg:api.latency{*} > 2"
  message = "Latency is high. Runbook: https://rb.example/alerts/api.latency.high/"
}
`;

const PROMETHEUS = `groups:
  - name: nsq
    rules:
      - record: job:up:sum
        expr: sum(up)
      - alert: NsqdDown
        expr: up{job="nsqd"} == 0
        annotations:
          summary: "nsqd down"
          runbook_url: "https://rb.example/alerts/NsqdDown/?env={{ $labels.env }}#no-such-step"
      - alert: NsqdDiskFull
        expr: disk_free < 0.1
        annotations:
          runbook_url: https://rb.example/alerts/nsqddiskfull/#mitigation
`;

const RUNBOOK = `---
title: A channel is backing up
owner: platform
severity: critical
services: [nsqd]
alerts:
  - nsq.channel.depth.high
  - NsqdDown
  - NsqdDiskFull
  - nsq.never.defined
last_reviewed: 2026-11-01
---
## Diagnosis

Look.

## Mitigation

Fix.
`;

function project(files: Record<string, string> = {}): string {
  const dir = tempDir('alert-rules-');
  writeProject(dir, {
    'site.yml': SITE,
    'layouts/default.hbs': '<title>{{page.title}}</title>{{{content}}}',
    'src/index.md': '---\ntitle: Home\n---\nHome.\n',
    'src/queues/backed-up-channel.md': RUNBOOK,
    'rules/monitors.tf': MONITORS,
    'rules/nsq.rules.yml': PROMETHEUS,
    ...files,
  });
  return dir;
}

describe('parsers give each alert its line', () => {
  it('Prometheus: alert lines and runbook_url lines, recording rules skipped', () => {
    expect(parsePrometheusRules(PROMETHEUS)).toEqual({
      rules: [
        { alert: 'NsqdDown', line: 6, annotated: true, urls: [{ url: 'https://rb.example/alerts/NsqdDown/?env={{ $labels.env }}#no-such-step', line: 10 }] },
        { alert: 'NsqdDiskFull', line: 11, annotated: true, urls: [{ url: 'https://rb.example/alerts/nsqddiskfull/#mitigation', line: 14 }] },
      ],
    });
  });

  it('Terraform: name lines and the lines of every URL in the message', async () => {
    expect(await parseDatadogTerraform(MONITORS, 'monitors.tf')).toEqual({
      rules: [
        { alert: 'nsq.channel.depth.high', line: 2, annotated: false, urls: [{ url: 'https://app.datadoghq.com/dash/1', line: 6 }, { url: 'https://rb.example/queues/backed-up/?env={{env.name}}', line: 7 }] },
        { alert: 'api.latency.high', line: 12, annotated: false, urls: [{ url: 'https://rb.example/alerts/api.latency.high/', line: 15 }] },
      ],
    });
  });

  it('a broken file: the parser\'s own line', async () => {
    expect((await parseDatadogTerraform('resource "datadog_monitor" "x" {\n  name = "a"\n', 'bad.tf')).error).toMatchObject({ line: 1, message: expect.stringContaining('Unclosed configuration block') });
    expect(parsePrometheusRules('groups:\n  - name: x\n    rules: [\n').error?.line).toBe(4);
  });
});

describe('npm run check against the rule files', () => {
  const dir = project();
  const run = cli(dir, ['--check']);

  it('a runbook URL that goes to no page: error at the URL\'s line, naming the alert and the closest page', () => {
    expect(run.stderr).toContain(
      'rules/monitors.tf:7:1  alert "nsq.channel.depth.high": the runbook URL https://rb.example/queues/backed-up/?env={{env.name}} goes to no page of this site; the closest page is /queues/backed-up-channel/ (src/queues/backed-up-channel.md)\n' +
        "    hint: Use the alert's permanent URL, which follows its runbook when it moves: https://rb.example/alerts/nsq.channel.depth.high/",
    );
  });

  it('an anchor the page does not have: error at the URL\'s line', () => {
    expect(run.stderr).toContain('rules/nsq.rules.yml:10:1  alert "NsqdDown": the runbook URL https://rb.example/alerts/NsqdDown/?env={{ $labels.env }}#no-such-step names #no-such-step, but src/queues/backed-up-channel.md has no heading with that id');
    expect(run.stderr).not.toContain('NsqdDiskFull": the runbook URL'); // lowercase permanent URL + a real anchor resolve
  });

  it('an alert no runbook lists: warning at the monitor\'s name', () => {
    expect(run.stderr).toContain('rules/monitors.tf:12:1  alert "api.latency.high" has no runbook: no page lists it under alerts:\n    hint: Add "api.latency.high" to the alerts: list of the runbook on-call should open; its link is then https://rb.example/alerts/api.latency.high/');
  });

  it('a runbook alert no rule defines: warning at the runbook\'s line', () => {
    expect(run.stderr).toContain('src/queues/backed-up-channel.md:10:1  alert "nsq.never.defined" is listed here but no alert rule defines it (2 rule files read: rules/*.tf, rules/*.yml)');
  });

  it('prints the summary, exits 1 for the errors, and writes nothing', () => {
    expect(run.stderr).toContain('3 of 4 alerts have a runbook (alert rules: rules/*.tf, rules/*.yml)');
    expect(run.stderr).toContain('2 errors, 2 warnings.');
    expect(run.code).toBe(1);
    expect(fs.existsSync(path.join(dir, 'build'))).toBe(false);
  });

  it('with the URLs fixed the check passes with warnings; --strict makes "no runbook" an error', () => {
    const ok = project({
      'rules/monitors.tf': MONITORS.replace('https://rb.example/queues/backed-up/?env', 'https://rb.example/alerts/nsq.channel.depth.high/?env'),
      'rules/nsq.rules.yml': PROMETHEUS.replace('#no-such-step', '#diagnosis'),
    });
    const passed = cli(ok, ['--check']);
    expect(passed.stdout).toContain('3 of 4 alerts have a runbook');
    expect(passed.code, passed.out).toBe(0);
    const strict = cli(ok, ['--check', '--strict']);
    expect(strict.stderr).toContain('rules/monitors.tf:12:1  alert "api.latency.high" has no runbook');
    expect(strict.stderr).toContain('1 error, 1 warning.');
    expect(strict.code).toBe(1);
  });

  it('--alert-rules replaces site.yml\'s list; a rule file that cannot be parsed is an error at its line', () => {
    writeProject(dir, { 'other/broken.tf': 'resource "datadog_monitor" "x" {\n  name = "a"\n' });
    const r = cli(dir, ['--check', '--alert-rules', 'other/*.tf']);
    expect(r.stderr).toContain('other/broken.tf:1:');
    expect(r.stderr).toContain('this alert rule file cannot be read: Unclosed configuration block');
    expect(r.code).toBe(1);
  });
});
