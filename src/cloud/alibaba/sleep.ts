import { CloudError } from '../errors.ts';

// The abortable sleep lives in util/; waiters.ts still imports it from here.
export { sleep } from '../../util/sleep.ts';

/** What every adapter method throws when its AbortSignal fires. */
export function abortError(action: string, signal?: AbortSignal): CloudError {
  return new CloudError({ code: 'Aborted', action, message: `${action}: aborted`, retryable: false, cause: signal?.reason });
}
