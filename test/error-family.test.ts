/** Every error the project raises on purpose is one family (lib/core/errors.ts), carrying its cause. */
import { describe, expect, it } from 'vitest';
import { BuildFailed, Problem } from '../lib/core/diagnostics.ts';
import { isRunbookSmithError, RunbookSmithError } from '../lib/core/errors.ts';
import { HelperUsageError } from '../lib/templates/helper-types.ts';
import { NavFileError } from '../lib/nav/nav-files.ts';
import { StageError } from '../lib/core/stage.ts';
import { WriteError } from '../lib/io/write.ts';
import { DeployError } from '../scripts/deploy/errors.ts';
import { PreviewError } from '../scripts/deploy/preview.ts';

describe('error family', () => {
  const cause = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
  const problem = new Problem({ file: 'src/a.md', line: 3, column: 1, code: 'x', severity: 'error', message: 'something is wrong', hint: 'fix it', cause } as ConstructorParameters<typeof Problem>[0]);
  const all: [string, Error][] = [
    ['StageError', new StageError('layout', cause)],
    ['WriteError', new WriteError('/srv/site', cause)],
    ['HelperUsageError', new HelperUsageError('env takes two arguments', 'Write {{env "prod" "cluster"}}.')],
    ['NavFileError', new NavFileError('mkdocs.yml', 'nav: is not a list', 4)],
    ['DeployError', new DeployError('the target is read-only', { cause })],
    ['PreviewError', new PreviewError('no such preview', { cause })],
    ['Problem', problem],
    ['BuildFailed', new BuildFailed([problem])],
  ];
  for (const [name, err] of all) {
    it(`${name} is a RunbookSmithError with a message for people`, () => {
      expect(err).toBeInstanceOf(RunbookSmithError);
      expect(isRunbookSmithError(err)).toBe(true);
      expect(err.name).toBe(name);
      expect(err.message.length).toBeGreaterThan(10);
    });
  }
  it('keeps the cause', () => {
    expect(new StageError('layout', cause).cause).toBe(cause);
    expect(new WriteError('/srv/site', cause).cause).toBe(cause);
    expect(problem.cause).toBe(cause);
  });
  it('an unexpected error is not one of ours', () => {
    expect(isRunbookSmithError(new TypeError('x is undefined'))).toBe(false);
  });
});
