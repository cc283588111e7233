/** When a runbook's review falls due: `last_reviewed` plus its review interval. */
const DAY = 86_400_000;

export interface ReviewState {
  due: string;
  days: number;
}

/** Overdue review of a runbook at `now`, or undefined when it is not (yet) due. */
export function reviewState(lastReviewed: string, everyDays: number, now: Date): ReviewState | undefined {
  const due = Date.parse(`${lastReviewed}T00:00:00Z`) + everyDays * DAY;
  const days = Math.floor((now.getTime() - due) / DAY);
  return days > 0 ? { due: new Date(due).toISOString().slice(0, 10), days } : undefined;
}
