/**
 * The one error type that crosses the cloud port. It keeps what Alibaba said (code, RequestId, HTTP status)
 * and adds what the engine needs to decide (is it worth retrying; is it a permissions problem).
 */
export class CloudError extends Error {
  override readonly name = 'CloudError';
  /** API error code (`Forbidden.RAM`, `IncorretForwardEntryStatus`, …) or one of our own: `WaitTimeout`, `WaitFailed`, `Transport`, `BadResponse`. */
  readonly code: string;
  readonly action: string;
  readonly requestId?: string;
  readonly httpStatus?: number;
  readonly retryable: boolean;
  /** For Forbidden.RAM: the RAM action that was denied, when the API said. */
  readonly deniedAction?: string;

  constructor(init: {
    code: string; message: string; action: string; requestId?: string; httpStatus?: number;
    retryable?: boolean; deniedAction?: string; cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.action = init.action;
    this.requestId = init.requestId;
    this.httpStatus = init.httpStatus;
    this.retryable = init.retryable ?? false;
    this.deniedAction = init.deniedAction;
  }

  get isPermissionDenied(): boolean {
    // Also the spellings some VPC APIs answer with: plain `Forbidden`, and `Forbbiden.SubUser` (sic).
    return this.code === 'Forbidden.RAM' || this.code.startsWith('Forbidden.SubUser') || this.code.startsWith('Forbbiden.SubUser')
      || this.code === 'Forbidden' || this.code === 'Forbidden.NotSupportRAM';
  }

  toJSON() {
    return { code: this.code, message: this.message, action: this.action, requestId: this.requestId, httpStatus: this.httpStatus };
  }
}

export function isCloudError(e: unknown): e is CloudError {
  return e instanceof CloudError;
}
