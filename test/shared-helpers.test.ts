// The helpers that lib/ and the deploy commands share (issue 14: one copy each).
import { describe, expect, it } from 'vitest';
import { errCode, isAlive } from '../lib/io/fs-util.ts';
import { FenceScan } from '../lib/markdown/fences.ts';
import * as deployUtil from '../scripts/deploy/fs-util.ts';

describe('fs-util', () => {
  it('the deploy commands use the same functions as the release writer', () => {
    expect(deployUtil.isAlive).toBe(isAlive);
    expect(deployUtil.errCode).toBe(errCode);
  });

  it('a pid that names no single process is not alive (0 would signal our own group)', () => {
    expect(isAlive(0)).toBe(false);
    expect(isAlive(-1)).toBe(false);
    expect(isAlive(Number.NaN)).toBe(false);
    expect(isAlive(process.pid)).toBe(true);
  });

  it('errCode reads a Node error code and nothing else', () => {
    expect(errCode(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(errCode(new Error('x'))).toBeUndefined();
    expect(errCode('ENOENT')).toBeUndefined();
  });
});

describe('FenceScan', () => {
  const kinds = (text: string) => {
    const scan = new FenceScan();
    return text.split('\n').map((line) => scan.step(line));
  };

  it('a block closes only on the same character, at least as long, alone on its line', () => {
    expect(kinds(['````md', '```', '~~~~', '````x', '`````', 'after'].join('\n'))).toEqual(['open', 'code', 'code', 'code', 'code', 'text']);
  });

  it('four spaces in is not a fence; the info word is kept', () => {
    const scan = new FenceScan();
    expect(scan.step('    ```')).toBe('text');
    expect(scan.step('   ~~~ Mermaid')).toBe('open');
    expect(scan.language).toBe('Mermaid');
  });
});
