// API errors the sandbox answers with. Codes, statuses and messages follow each API's reference page (its "Error
// codes" table, e.g. https://www.alibabacloud.com/help/en/nat-gateway/developer-reference/api-vpc-2016-04-28-createforwardentry-natgws)
// and the SDK's error classes (node_modules/@alicloud/openapi-core/src/exceptions); choices made where the docs are
// silent are listed in docs/sandbox.md.

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

/** The message the real API sends with a code (fault injection falls back to "Injected fault <code>."). */
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

/** Shape of a RAM denial detail; field names beyond AuthAction are a plausible guess (UNCONFIRMED in the docs). */
export function accessDeniedDetail(authAction: string): Record<string, string> {
  return {
    AuthAction: authAction,
    AuthPrincipalType: 'SubUser',
    AuthPrincipalOwnerId: '1234567890123456',
    AuthPrincipalDisplayName: 'natmigrate-bot',
    PolicyType: 'AccountLevelIdentityBasedPolicy',
    NoPermissionType: 'ImplicitDeny',
    EncodedDiagnosticMessage: Buffer.from(`sandbox: ${authAction} is not allowed`).toString('base64'),
  };
}

/** What a RAM policy that does not allow `authAction` (e.g. "vpc:DeleteForwardEntry") answers. */
export function forbiddenRam(authAction: string, code = 'Forbidden.RAM'): ApiError {
  // Forbidden and Forbbiden.SubUser (sic) are the spellings some VPC APIs use (realism.ramDenialCode).
  const message = code === 'Forbidden.RAM' ? defaultMessageFor(code) : 'User not authorized to operate on the specified resource.';
  return new ApiError(code, 403, message, { AccessDeniedDetail: accessDeniedDetail(authAction) });
}
