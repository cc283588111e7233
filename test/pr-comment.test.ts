/**
 * One summary comment per pull request (scripts/pr-comment.ts), against a small fake of GitHub's
 * issue-comments API on a local port: the first push creates it, later pushes edit it (also when
 * it is on the second page of comments), closing marks it, and API errors say what to check.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMMENT_MARKER, PREVIEW_REMOVED } from '../lib/reports/pr-summary.ts';
import { main } from '../scripts/pr-comment.ts';
import { tempDir } from './helpers/fixtures.ts';

interface FakeComment {
  id: number;
  body: string;
}
let comments: FakeComment[];
let requests: string[];
let failWith: number | undefined;
let server: http.Server;
let api: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      requests.push(`${req.method} ${url.pathname}${url.search} ${req.headers.authorization}`);
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (failWith) return send(failWith, { message: 'Resource not accessible by integration' });
      let m: RegExpExecArray | null;
      if (req.method === 'GET' && (m = /^\/repos\/example-org\/runbooks\/issues\/7\/comments$/.exec(url.pathname))) {
        const per = Number(url.searchParams.get('per_page'));
        const page = Number(url.searchParams.get('page'));
        return send(200, comments.slice((page - 1) * per, page * per));
      }
      if (req.method === 'POST' && /^\/repos\/example-org\/runbooks\/issues\/7\/comments$/.test(url.pathname)) {
        const c = { id: 1000 + comments.length, body: JSON.parse(data).body };
        comments.push(c);
        return send(201, c);
      }
      if (req.method === 'PATCH' && (m = /^\/repos\/example-org\/runbooks\/issues\/comments\/(\d+)$/.exec(url.pathname))) {
        const c = comments.find((x) => x.id === Number(m![1]));
        if (!c) return send(404, {});
        c.body = JSON.parse(data).body;
        return send(200, c);
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  comments = [];
  requests = [];
  failWith = undefined;
});

let env: NodeJS.ProcessEnv;
beforeEach(() => {
  env = { GITHUB_TOKEN: 'token-123', GITHUB_REPOSITORY: 'example-org/runbooks', GITHUB_API_URL: api };
});
async function post(body: string): Promise<number> {
  const file = path.join(tempDir('pr-comment-'), 'comment.md');
  fs.writeFileSync(file, body);
  return main(['--pr', '7', '--body-file', file], env);
}

describe('npm run pr-comment', () => {
  it('creates the comment on the first push and edits that same comment on the next ones', async () => {
    comments.push({ id: 1, body: 'LGTM' });
    expect(await post(`${COMMENT_MARKER}\nfirst`)).toBe(0);
    expect(await post(`${COMMENT_MARKER}\nsecond`)).toBe(0);
    expect(await post(`${COMMENT_MARKER}\nthird`)).toBe(0);
    expect(comments).toEqual([{ id: 1, body: 'LGTM' }, { id: 1001, body: `${COMMENT_MARKER}\nthird` }]);
    expect(requests.every((r) => r.endsWith('Bearer token-123'))).toBe(true);
    expect(requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
  });

  it('finds its comment beyond the first page of a long discussion', async () => {
    for (let i = 0; i < 130; i++) comments.push({ id: i + 1, body: i === 120 ? `${COMMENT_MARKER}\nold` : `comment ${i}` });
    expect(await post(`${COMMENT_MARKER}\nnew`)).toBe(0);
    expect(comments).toHaveLength(130);
    expect(comments[120]!.body).toBe(`${COMMENT_MARKER}\nnew`);
    expect(requests.filter((r) => r.startsWith('GET')).map((r) => r.split(' ')[1])).toEqual([
      '/repos/example-org/runbooks/issues/7/comments?per_page=100&page=1',
      '/repos/example-org/runbooks/issues/7/comments?per_page=100&page=2',
    ]);
  });

  it('a comment that only quotes the marker is not taken for the summary', async () => {
    comments.push({ id: 5, body: `Why does the bot write ${COMMENT_MARKER}?` });
    expect(await post(`${COMMENT_MARKER}\nsummary`)).toBe(0);
    expect(comments.map((c) => c.id)).toEqual([5, 1001]);
  });

  it('--closed puts the "preview removed" line at the top of the summary, once', async () => {
    comments.push({ id: 9, body: `${COMMENT_MARKER}\n## Site preview\n\n**[Open the preview of the whole site](https://x/previews/pr-7/)**\n` });
    expect(await main(['--pr', '7', '--closed'], env)).toBe(0);
    expect(await main(['--pr', '7', '--closed'], env)).toBe(0);
    expect(comments[0]!.body).toBe(`${COMMENT_MARKER}\n${PREVIEW_REMOVED}\n\n## Site preview\n\n**[Open the preview of the whole site](https://x/previews/pr-7/)**\n`);
    comments = [];
    expect(await main(['--pr', '7', '--closed'], env)).toBe(0); // no comment yet: nothing to mark
    expect(comments).toEqual([]);
  });

  it('says what to check when GitHub refuses, or when something is missing', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      failWith = 403;
      expect(await post(`${COMMENT_MARKER}\nx`)).toBe(1);
      expect(await main(['--pr', '7', '--closed'], { GITHUB_REPOSITORY: 'example-org/runbooks' })).toBe(1);
      expect(await main(['--pr', 'seven', '--body-file', 'x.md'], env)).toBe(1);
    } finally {
      console.error = original;
    }
    expect(errors[0]).toMatch(/^pr-comment: GitHub answered 403 to GET \/repos\/example-org\/runbooks\/issues\/7\/comments\?per_page=100&page=1 \(does the job have `permissions: pull-requests: write`, and is this a pull request of this repository\?\): /);
    expect(errors[1]).toBe('pr-comment: needs --pr <number> and one of --body-file <file> or --closed, and GITHUB_TOKEN in the environment.');
    expect(errors[2]).toBe('pr-comment: needs --pr <number> and one of --body-file <file> or --closed.');
  });
});
