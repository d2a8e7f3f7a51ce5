/**
 * One time budget for everything a slash command waits on before its ack, measured from when the request arrived:
 * Slack shows the person operation_timeout when the ack is not back within 3 s
 * (https://docs.slack.dev/interactivity/handling-user-interaction#acknowledgment_response). Checks that ask Slack
 * (who may request, can the bot post here) run together and get what is left of CHECKS_MS; one that has not
 * answered by then is treated as unknown and the command is refused, never acked late. The slower call goes on
 * behind the answer and fills its cache for the next try.
 */

/** Context property the HTTP receiver fills in with the time the request was read (ms since the epoch). */
export const RECEIVED_AT_PROP = 'natmigrateReceivedAt';

/** Checks must be known this long after receipt; the rest of the 3 s is for Redis-only claims and the response. */
export const CHECKS_MS = 2500;

export const LATE = Symbol('late');

export interface AckBudget {
  /** `p`'s answer, or LATE when it is not known by the deadline (p keeps running). */
  within<T>(p: Promise<T>): Promise<T | typeof LATE>;
}

export function ackBudget(receivedAtMs: number, now: () => number = Date.now, checksMs = CHECKS_MS): AckBudget {
  const deadline = receivedAtMs + checksMs;
  return {
    within<T>(p: Promise<T>) {
      const left = deadline - now();
      if (left <= 0) return Promise.race([p, Promise.resolve(LATE)]);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<typeof LATE>((resolve) => { timer = setTimeout(() => resolve(LATE), left); });
      return Promise.race([p, late]).finally(() => clearTimeout(timer));
    },
  };
}
