/**
 * Debian's real nginx running deploy/nginx.conf for tests: root substituted, a free loopback port,
 * logs and temp dirs under a prefix (rendered by test/deploy/nginx-config.ts). Shared by the
 * deploy suite and the browser suite, so both run the same config the same way.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { writeTestConf } from '../deploy/nginx-config.ts';

export const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

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

/**
 * Starts nginx serving `root` (the built site) with deploy/nginx.conf. With `base`, the site is in
 * `root`'s sub-folder of that name and served under that path (its 404 page too).
 */
export async function startNginx(root: string, prefix: string, options: { base?: string } = {}): Promise<Nginx> {
  const port = await freePort();
  const conf = await writeTestConf({ root, port, prefix, userRoot: process.getuid?.() === 0, base: options.base });
  const args = ['-p', prefix, '-e', path.join(prefix, 'logs', 'error.log'), '-c', conf];
  const check = spawnSync(NGINX, ['-t', ...args], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t rejected the generated config:\n${check.stderr}`);
  if (/\[warn\]|\[emerg\]/.test(check.stderr)) throw new Error(`nginx -t warned about the generated config:\n${check.stderr}`);
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
