/**
 * One family for the errors the project raises on purpose: every one is a RunbookSmithError, says
 * what went wrong in plain words and carries its cause (`cause`), and those about a file name it.
 * Code that reports to people (the CLIs, the problem list) can then tell our errors, whose message
 * is for the reader, from unexpected ones, which get the stack trace.
 */
export class RunbookSmithError extends Error {
  override name = 'RunbookSmithError';
}

/** True for an error the project raised on purpose (its message is meant for people). */
export function isRunbookSmithError(err: unknown): err is RunbookSmithError {
  return err instanceof RunbookSmithError;
}
