/**
 * Jobs whose thread mode is settled as one that posts nothing: 'none' (no audience; a batch's children) or 'failed'
 * (Slack refused the thread's first message for good). A mode is set once and never changes (audience.ts,
 * event-messages.ts), so such a job's later events would only be appended and then skipped by the cursor: the outbox
 * stops keeping them. A batch of a thousand children emits tens of thousands of step events that no one reads.
 * Learned from the mode read in each append's own transaction, per process; bounded, oldest forgotten first.
 */
/** A settled mode that posts nothing: anything but a thread or a channel preview ('none', 'failed'); unset is not. */
export function postsNothing(mode: unknown): boolean {
  return typeof mode === 'string' && mode !== 'thread' && mode !== 'preview';
}

export class SilentJobs {
  private readonly jobs = new Set<string>();

  constructor(private readonly max = 10_000) {}

  has(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  /** Records the mode an append saw; only a silent one is remembered. */
  saw(jobId: string, mode: unknown): void {
    if (!postsNothing(mode) || this.jobs.has(jobId)) return;
    if (this.jobs.size >= this.max) this.jobs.delete(this.jobs.values().next().value!);
    this.jobs.add(jobId);
  }
}
