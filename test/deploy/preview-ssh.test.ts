/**
 * deploy/preview-ssh.sh, the workflow's way to the preview host, run for real with a stand-in for
 * `ssh` on PATH that runs the remote command locally in a fake home folder: the deploy code is
 * bundled and sent with the site, the preview is published and removed on the "host", the upload
 * folder is cleaned up, the host key is checked strictly, and missing secrets are named.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';
import { makeBaseBuild } from './preview-fixtures.ts';
import { tempDir } from './fixtures.ts';

const FAKE_SSH = `#!/usr/bin/env bash
# Records its options, then runs the remote command locally in $FAKE_HOME (stdin passed on).
printf '%s\\n' "$@" > "$FAKE_SSH_LOG"
while [ $# -gt 0 ]; do
  case $1 in
    -i|-o) shift 2 ;;
    *@*) shift; break ;;
    *) echo "fake ssh: unexpected $1" >&2; exit 255 ;;
  esac
done
cd "$FAKE_HOME" && exec bash -c "$1"
`;

let tmp: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  tmp = await tempDir('preview-ssh');
  fs.mkdirSync(path.join(tmp, 'bin'));
  fs.mkdirSync(path.join(tmp, 'home'));
  fs.writeFileSync(path.join(tmp, 'bin', 'ssh'), FAKE_SSH, { mode: 0o755 });
  env = {
    ...process.env,
    PATH: `${path.join(tmp, 'bin')}:${process.env.PATH}`,
    FAKE_HOME: path.join(tmp, 'home'),
    FAKE_SSH_LOG: path.join(tmp, 'ssh-args.txt'),
    PREVIEW_SSH_HOST: 'previews.example.com',
    PREVIEW_SSH_USER: 'deploy',
    PREVIEW_SSH_KEY: '-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n-----END OPENSSH PRIVATE KEY-----',
    PREVIEW_SSH_KNOWN_HOSTS: 'previews.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample',
    PREVIEW_TARGET: path.join(tmp, 'srv runbooks'), // a space: the remote command must quote it
  };
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(path.join(ROOT, 'deploy', 'preview-ssh.sh'), args, { env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('deploy/preview-ssh.sh', () => {
  it('publishes a build on the host as /previews/<name>/ and removes it again', async () => {
    const { build } = await makeBaseBuild(path.join(tmp, 'b'), 'ssh', '/previews/pr-3/');
    const published = run(['publish', 'pr-3', build]);
    expect(published.err).toBe('');
    expect(published.code).toBe(0);
    expect(published.out).toContain('deploy: preview pr-3: published at /previews/pr-3/');
    const target = env.PREVIEW_TARGET!;
    expect(fs.readFileSync(path.join(target, 'previews', 'pr-3', 'index.html'), 'utf8')).toContain('<h1>Home ssh</h1>');
    expect(fs.readdirSync(path.join(tmp, 'home', '.runbook-smith-incoming'))).toEqual([]); // upload cleaned up

    const args = fs.readFileSync(env.FAKE_SSH_LOG!, 'utf8').split('\n');
    expect(args).toEqual(expect.arrayContaining(['StrictHostKeyChecking=yes', 'BatchMode=yes', 'IdentitiesOnly=yes', 'deploy@previews.example.com']));

    const removed = run(['remove', 'pr-3']);
    expect(removed.code).toBe(0);
    expect(removed.out).toContain('deploy: preview pr-3: removed (/previews/pr-3/ no longer answers)');
    expect(fs.existsSync(path.join(target, 'previews', 'pr-3'))).toBe(false);
  }, 60_000);

  it('passes deploy refusals on, with their exit code', () => {
    const r = run(['publish', 'PR 3', path.join(tmp, 'b', 'build')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('deploy: error: --preview "PR 3" is not a usable preview name');
  }, 60_000);

  it('names the secret that is missing', () => {
    const r = run(['remove', 'pr-3'], { PREVIEW_SSH_KNOWN_HOSTS: '' });
    expect(r).toMatchObject({ code: 1, err: 'preview-ssh: PREVIEW_SSH_KNOWN_HOSTS is not set. Add it as a repository secret (Settings -> Secrets and variables -> Actions); see deploy/PUBLISHING.md.\n' });
  });
});
