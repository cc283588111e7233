/**
 * Posts the pull-request summary as ONE comment per pull request, edited in place on every push
 * (issue 18), through GitHub's REST API:
 *
 *   npm run pr-comment -- --pr <number> --body-file comment.md    create or update the comment
 *   npm run pr-comment -- --pr <number> --closed                  mark it: the preview was removed
 *
 * The comment is the one whose body starts with the hidden marker (lib/reports/pr-summary.ts). Needs
 * GITHUB_TOKEN (with pull-requests: write) and GITHUB_REPOSITORY; GITHUB_API_URL when not github.com.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { COMMENT_MARKER, PREVIEW_REMOVED } from '../lib/reports/pr-summary.ts';

export interface GitHubTarget {
  api: string;
  repository: string;
  token: string;
  pr: number;
}

interface Comment {
  id: number;
  body?: string;
}

async function call(t: GitHubTarget, method: string, url: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url.startsWith('http') ? url : `${t.api}${url}`, {
    method,
    headers: {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${t.token}`,
      'x-github-api-version': '2022-11-28',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) {
    const text = await res.text();
    const hint = res.status === 403 || res.status === 404 ? ' (does the job have `permissions: pull-requests: write`, and is this a pull request of this repository?)' : '';
    throw new Error(`GitHub answered ${res.status} to ${method} ${url}${hint}: ${text.slice(0, 300)}`);
  }
  return res.status === 204 ? undefined : res.json();
}

/** The summary comment of the pull request, if there is one (every page of comments is read). */
export async function findComment(t: GitHubTarget): Promise<Comment | undefined> {
  for (let page = 1; ; page++) {
    const list = (await call(t, 'GET', `/repos/${t.repository}/issues/${t.pr}/comments?per_page=100&page=${page}`)) as Comment[];
    const found = list.find((c) => c.body?.startsWith(COMMENT_MARKER));
    if (found) return found;
    if (list.length < 100) return undefined;
  }
}

/** Creates the comment, or replaces the body of the existing one. Returns what was done. */
export async function upsertComment(t: GitHubTarget, body: string): Promise<'created' | 'updated'> {
  if (!body.startsWith(COMMENT_MARKER)) throw new Error(`the comment body must start with ${COMMENT_MARKER}, so the next run finds it`);
  const existing = await findComment(t);
  if (existing) {
    await call(t, 'PATCH', `/repos/${t.repository}/issues/comments/${existing.id}`, { body });
    return 'updated';
  }
  await call(t, 'POST', `/repos/${t.repository}/issues/${t.pr}/comments`, { body });
  return 'created';
}

/** Marks the comment: the pull request is closed and its preview removed (its links would 404). */
export async function markClosed(t: GitHubTarget): Promise<'updated' | 'none'> {
  const existing = await findComment(t);
  if (!existing?.body) return 'none';
  if (existing.body.includes(PREVIEW_REMOVED)) return 'updated';
  const [marker, ...rest] = existing.body.split('\n');
  await call(t, 'PATCH', `/repos/${t.repository}/issues/comments/${existing.id}`, { body: [marker, PREVIEW_REMOVED, '', ...rest].join('\n') });
  return 'updated';
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { pr: { type: 'string' }, 'body-file': { type: 'string' }, closed: { type: 'boolean', default: false } }, strict: true }));
  } catch (err) {
    console.error(`pr-comment: ${(err as Error).message}`);
    return 1;
  }
  const pr = Number(values.pr);
  const missing = [!env.GITHUB_TOKEN && 'GITHUB_TOKEN', !env.GITHUB_REPOSITORY && 'GITHUB_REPOSITORY'].filter(Boolean);
  if (!Number.isInteger(pr) || pr < 1 || missing.length || values.closed === (values['body-file'] !== undefined)) {
    console.error(
      `pr-comment: needs --pr <number> and one of --body-file <file> or --closed${missing.length ? `, and ${missing.join(' and ')} in the environment` : ''}.`,
    );
    return 1;
  }
  const t: GitHubTarget = { api: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''), repository: env.GITHUB_REPOSITORY!, token: env.GITHUB_TOKEN!, pr };
  try {
    const done = values.closed ? await markClosed(t) : await upsertComment(t, fs.readFileSync(values['body-file']!, 'utf8'));
    console.log(`pr-comment: ${done === 'none' ? 'no summary comment to mark' : `${done} the summary comment`} on #${pr}`);
    return 0;
  } catch (err) {
    console.error(`pr-comment: ${(err as Error).message}`);
    return 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
