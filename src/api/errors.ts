// One table from error code to HTTP status. Handlers throw ApiError; the error
// middleware (error-middleware.ts) turns it into `{code, message}`.

export const ERROR_STATUS = {
  InputError: 400,
  InvalidRequestArguments: 400,
  MalformedJson: 400,
  AuthenticationFailed: 401,
  InsufficientScopes: 403,
  ResourceNotFound: 404,
  MethodNotAllowed: 405,
  RequestConflict: 409,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  InternalServerError: 500,
  ServiceUnavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class ApiError extends Error {
  readonly status: number;
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what: string) => new ApiError('ResourceNotFound', `${what} not found`);
export const conflict = (message: string) => new ApiError('RequestConflict', message);
