import { CloudError } from '../cloud-error.ts';

/** What every adapter method throws when its AbortSignal fires. */
export function abortError(action: string, signal?: AbortSignal): CloudError {
  return new CloudError({ code: 'Aborted', action, message: `${action}: aborted`, retryable: false, cause: signal?.reason });
}
