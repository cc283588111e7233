#!/usr/bin/env node
/**
 * Which checks a change needs, for the site workflow's `changes` job: `scope=content` when every
 * changed file is content (pages, partials, templates, settings, alert rules, docs), which the build
 * job's check and build fully verify, so the generator's browser and server suites can be skipped
 * and a typo fixed in the web editor goes live sooner; `scope=generator` otherwise, and whenever the
 * changed files cannot be known (a new branch, a run by hand, a git error): then everything runs.
 *
 *   EVENT=push BEFORE=<sha> node scripts/ci-scope.mjs            -> prints scope=... (for $GITHUB_OUTPUT)
 *   EVENT=pull_request BASE_SHA=<sha> node scripts/ci-scope.mjs
 *
 * Plain JavaScript with no dependencies, so the job needs no `npm ci`.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Paths whose changes the build's own checks cover completely. Anything else is generator code. */
/** @type {readonly RegExp[]} */
const CONTENT = [/^src\//, /^partials\//, /^templates\//, /^site\.yml$/, /^examples\/alert-rules\//, /^docs\//, /^README\.md$/];

/** 'content' when every path is content; 'generator' for anything else, or for no known paths. */
export function scopeOf(paths) {
  if (!paths.length) return 'generator';
  return paths.every((p) => CONTENT.some((re) => re.test(p))) ? 'content' : 'generator';
}

/** The files a run's change touches, or undefined when they cannot be known. */
export function changedFiles(env, git = (args) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) {
  const sha = /^[0-9a-f]{40}$/;
  let range;
  if (env.EVENT === 'pull_request' && sha.test(env.BASE_SHA ?? '')) range = `${env.BASE_SHA}...HEAD`;
  else if (env.EVENT === 'push' && sha.test(env.BEFORE ?? '') && !/^0+$/.test(env.BEFORE)) range = `${env.BEFORE}..HEAD`;
  else return undefined; // a run by hand (a rollback), a new branch: check everything
  try {
    return git(['diff', '--name-only', '--no-renames', range]).split('\n').filter(Boolean);
  } catch {
    return undefined;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = changedFiles(process.env);
  const scope = files ? scopeOf(files) : 'generator';
  console.error(files ? `${files.length} changed file(s):\n${files.map((f) => `  ${f}`).join('\n')}` : 'changed files unknown: running every check');
  console.error(`scope: ${scope}${scope === 'content' ? ' (content only: the build checks it; the generator suites are skipped)' : ''}`);
  console.log(`scope=${scope}`);
}
