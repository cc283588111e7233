/**
 * The e2e suite's web server: Debian's real nginx running deploy/nginx.conf (root substituted to
 * the built site, a free loopback port, logs and temp dirs under a temp prefix), rendered by the
 * deploy tests' own helper (test/deploy/nginx-config.ts) so both suites run the same config.
 */
import { existsSync } from 'node:fs';
import { CHROMIUM } from '../helpers/chromium.ts';
import { NGINX } from '../helpers/nginx.ts';

export { CHROMIUM, launchChromium } from '../helpers/chromium.ts';
export { NGINX, startNginx, type Nginx } from '../helpers/nginx.ts';

/** Why the e2e suite cannot run here, or undefined when it can. */
export function missingTools(): string | undefined {
  const missing = [CHROMIUM, NGINX].filter((p) => !existsSync(p));
  if (!missing.length) return undefined;
  // In CI (.ci/run sets RS_REQUIRE_E2E=1) a missing browser or server is a failure, never a skip.
  if (process.env.RS_REQUIRE_E2E === '1') throw new Error(`RS_REQUIRE_E2E=1 but ${missing.join(' and ')} not found: the e2e tests must run here.`);
  return `e2e suite skipped: ${missing.join(' and ')} not found. Install them: apt-get install -y chromium nginx-light (or set CHROMIUM_BIN / NGINX_BIN).`;
}
