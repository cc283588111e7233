/**
 * The e2e suite's web server: Debian's real nginx running deploy/nginx.conf (root substituted to
 * the built site, a free loopback port, logs and temp dirs under a temp prefix), rendered by the
 * deploy tests' own helper (test/deploy/nginx-config.ts) so both suites run the same config.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { writeTestConf } from '../deploy/nginx-config.ts';

export const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** Why the e2e suite cannot run here, or undefined when it can. */
export function missingTools(): string | undefined {
  const missing = [CHROMIUM, NGINX].filter((p) => !existsSync(p));
  if (!missing.length) return undefined;
  // In CI (.ci/run sets RS_REQUIRE_E2E=1) a missing browser or server is a failure, never a skip.
  if (process.env.RS_REQUIRE_E2E === '1') throw new Error(`RS_REQUIRE_E2E=1 but ${missing.join(' and ')} not found: the e2e tests must run here.`);
  return `e2e suite skipped: ${missing.join(' and ')} not found. Install them: apt-get install -y chromium nginx-light (or set CHROMIUM_BIN / NGINX_BIN).`;
}

export interface Nginx {
  port: number;
  origin: string;
  stop(): Promise<void>;
  log(): string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, proc: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`nginx exited early:\n${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port} within 10 s:\n${stderr()}`);
}

/** Starts nginx serving `root` (the built site) with deploy/nginx.conf. */
export async function startNginx(root: string, prefix: string): Promise<Nginx> {
  const port = await freePort();
  const conf = await writeTestConf({ root, port, prefix, userRoot: process.getuid?.() === 0 });
  const args = ['-p', prefix, '-e', path.join(prefix, 'logs', 'error.log'), '-c', conf];
  const check = spawnSync(NGINX, ['-t', ...args], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t rejected the generated config:\n${check.stderr}`);
  let stderr = '';
  const proc = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await waitForPort(port, proc, () => stderr);
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    log: () => stderr,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
