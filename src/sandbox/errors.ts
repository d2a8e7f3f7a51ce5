// API errors the sandbox answers with. Codes, statuses and messages follow the Alibaba documentation
// (shared/docs/alibaba-api.md §4, §6); choices made where the docs are silent are listed in docs/sandbox.md.

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
    /** Extra top-level fields for the error body (e.g. AccessDeniedDetail). */
    readonly extra: Record<string, unknown> = {},
    /** Extra response headers (e.g. x-acs-retry-after). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const err = {
  missing: (param: string) =>
    new ApiError('MissingParameter', 400, `The input parameter "${param}" that is mandatory for processing this request is not supplied.`),
  invalid: (param: string, detail?: string) =>
    new ApiError('InvalidParameter', 400, `The specified parameter "${param}" is not valid.${detail ? ` ${detail}` : ''}`),
  conflict: (message: string) => new ApiError('InvalidParameter.Conflict', 400, message),
  region: (regionId: string) =>
    new ApiError('InvalidRegionId.NotFound', 404, `The specified RegionId "${regionId}" does not exist.`),
};

/** Default HTTP status for a code given without one (fault injection). */
export function defaultStatusFor(code: string): number {
  if (code === 'ServiceUnavailable') return 503;
  if (code === 'InternalError' || code.startsWith('InternalError.') || code === 'UnknownError') return 500;
  if (code.startsWith('Forbidden') || code === 'IdempotentParameterMismatch' || code === 'LastTokenProcessing') return 403;
  if (code.endsWith('.NotFound')) return 404;
  return 400;
}

export function defaultMessageFor(code: string): string {
  switch (code) {
    case 'Throttling':
    case 'Throttling.User':
      return 'Request was denied due to user flow control.';
    case 'Throttling.Api':
      return 'Request was denied due to api flow control.';
    case 'ServiceUnavailable':
      return 'The request has failed due to a temporary failure of the server.';
    case 'InternalError':
      return 'The request processing has failed due to some unknown error, exception or failure.';
    case 'OperationConflict':
      return 'Request was denied due to conflict with a previous request.';
    case 'Forbidden.RAM':
      return 'User not authorized to operate on the specified resource, or this API does not support RAM.';
    default:
      return `Injected fault ${code}.`;
  }
}
