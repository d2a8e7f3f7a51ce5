import { CloudError } from '../errors.ts';

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(signal.reason); return; }
    const onAbort = () => { clearTimeout(t); reject(signal?.reason); };
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What every adapter method throws when its AbortSignal fires. */
export function abortError(action: string, signal?: AbortSignal): CloudError {
  return new CloudError({ code: 'Aborted', action, message: `${action}: aborted`, retryable: false, cause: signal?.reason });
}
