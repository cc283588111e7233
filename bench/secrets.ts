/**
 * The secrets stage's scan alone, over every page of a corpus (for A/B runs of lib/secrets/):
 *
 *   npx tsx bench/secrets.ts <corpus>/src
 *
 * Reads the pages as the stage does (small UTF-8 files) and prints one line of JSON:
 * { pages, findings, ms } where ms is the time of findSecretsInMany over all of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { findSecretsInMany } from '../lib/secrets/scan.ts';

const root = process.argv[2];
if (!root) throw new Error('usage: npx tsx bench/secrets.ts <folder>');
const texts: string[] = [];
const visit = (dir: string) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) visit(full);
    else texts.push(fs.readFileSync(full, 'utf8'));
  }
};
visit(root);
const started = performance.now();
const found = await findSecretsInMany(texts);
const ms = performance.now() - started;
console.log(JSON.stringify({ pages: texts.length, findings: found.flat().length, ms: Math.round(ms) }));
