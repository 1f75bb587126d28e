/**
 * The gateway's error hierarchy. Every error a caller can cause carries its HTTP status, a stable
 * machine-readable code and, when one field is to blame, that field's name, so each API dialect can
 * word it its own way without guessing.
 */
export class GatewayError extends Error {
  /** HTTP status this error maps to. */
  readonly status: number;
  /** Stable, machine-readable code (snake_case). */
  readonly code: string;
  /** The request field at fault, in the caller's own naming where known. */
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, options?: { field?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.field = options?.field;
  }
}

/** 400: the request is malformed or a value is invalid. */
export class ValidationError extends GatewayError {
  constructor(message: string, field?: string, code = 'invalid_request') {
    super(400, code, message, field === undefined ? undefined : { field });
  }
}

/** 401: no credentials, or wrong ones. */
export class AuthenticationError extends GatewayError {
  constructor(message = 'Missing or invalid credentials') {
    super(401, 'unauthenticated', message);
  }
}

/** 403: authenticated, but not allowed to do this. */
export class ForbiddenError extends GatewayError {
  constructor(message = 'Not allowed', code = 'forbidden', field?: string) {
    super(403, code, message, field === undefined ? undefined : { field });
  }
}

/** 404: no such resource (or not visible to this caller). */
export class NotFoundError extends GatewayError {
  constructor(what: string) {
    super(404, 'not_found', `${what} was not found`);
  }
}

/** 409: the request conflicts with the resource's current state. */
export class ConflictError extends GatewayError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}

/** 413: the body is larger than the configured limit. */
export class PayloadTooLargeError extends GatewayError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `Request body is larger than the limit of ${limitBytes} bytes`);
  }
}

/** 429/503: the gateway cannot take more right now; the caller should retry later. */
export class BackpressureError extends GatewayError {
  /** Seconds the caller should wait before retrying. */
  readonly retryAfterSeconds: number;
  constructor(status: 429 | 503, code: string, message: string, retryAfterSeconds = 1) {
    super(status, code, message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** An upstream refused or failed a submission. `retryable` decides between retry and `failed`. */
export class ConnectorError extends Error {
  readonly retryable: boolean;
  /** Raw upstream code (SMPP command_status, HTTP status, provider error code). */
  readonly rawCode: string | undefined;
  constructor(message: string, options: { retryable: boolean; rawCode?: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.retryable = options.retryable;
    this.rawCode = options.rawCode;
  }
}

/**
 * 400 naming several fields at once: what a request with more than one bad field gets, so the
 * caller can fix them all in one go. Its own code, message and field are the first error's; dialects
 * that list field errors (ServiceStack's `ResponseStatus.Errors`) list `errors`.
 */
export class ValidationErrors extends ValidationError {
  readonly errors: readonly ValidationError[];

  constructor(errors: readonly ValidationError[]) {
    const first = errors[0]!;
    super(first.message, first.field, first.code);
    this.errors = errors;
  }
}

/** Runs checks one after another, keeping every 400 they throw instead of stopping at the first. */
export class FieldErrors {
  readonly errors: ValidationError[] = [];

  /** The check's result, or undefined when it threw a 400 (kept); any other error propagates. */
  check<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      if (error instanceof ValidationErrors) this.errors.push(...error.errors);
      else if (error instanceof ValidationError) this.errors.push(error);
      else throw error;
      return undefined;
    }
  }

  /** Throws what was kept: the one error, or all of them. */
  throwIfAny(): void {
    if (this.errors.length === 1) throw this.errors[0]!;
    if (this.errors.length > 1) throw new ValidationErrors(this.errors);
  }
}
