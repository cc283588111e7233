/**
 * Debian's Chromium driven by playwright-core, launched one way everywhere (the browser suites and
 * the benchmark's edit-latency run). Never a downloaded browser. The flags keep a headless run as
 * root from sandboxing, and from reaching for the network this machine does not have.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu', '--no-first-run', '--disable-sync'],
  });
}
