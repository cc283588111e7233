/**
 * Test hook for faults a program cannot catch: with `RUNBOOK_SMITH_KILL_AT=<name>` in the
 * environment, the process kills itself with SIGKILL when it reaches the point of that name, as an
 * OOM kill, a cancelled CI job or a power cut would (test/faults.test.ts). Without it: nothing.
 */
export function killPoint(name: string): void {
  if (process.env.RUNBOOK_SMITH_KILL_AT === name) process.kill(process.pid, 'SIGKILL');
}
