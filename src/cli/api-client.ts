/** A small client for the gateway's native API, used by the CLI commands that talk to a running gateway. */
export interface ApiClientOptions {
  url: string;
  apiKey: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads SMSGATE_URL / SMSGATE_API_KEY (flags win). */
export function clientOptions(flags: { url?: string; apiKey?: string }): ApiClientOptions {
  const url = flags.url ?? process.env.SMSGATE_URL ?? 'http://127.0.0.1:8080';
  const apiKey = flags.apiKey ?? process.env.SMSGATE_API_KEY;
  if (!apiKey) throw new Error('no API key: pass --api-key or set SMSGATE_API_KEY');
  return { url: url.replace(/\/+$/, ''), apiKey };
}

/**
 * One call to the gateway's native API; resolves with its JSON answer. Throws ApiError with the
 * gateway's message for an error answer, and a plain Error naming the URL when what answered is
 * not an smsgate gateway (no JSON, or JSON without the shape `looksRight` expects).
 */
export async function apiRequest<T>(
  options: ApiClientOptions,
  method: string,
  path: string,
  body?: unknown,
  extra: {
    headers?: Record<string, string>;
    looksRight?: (value: unknown) => boolean;
    /** Called with the answer's headers (a success's) before it is returned. */
    onHeaders?: (headers: Headers) => void;
  } = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(options.url + path, {
      method,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...extra.headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new Error(`cannot reach the gateway at ${options.url}: ${describeCause(error)}`);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const notSmsgate = () =>
    new Error(
      `the server at ${options.url} answered ${method} ${path} with HTTP ${response.status} but not as an smsgate gateway would (${describeBody(response, text)}); is --url / SMSGATE_URL right?`,
    );
  if (!response.ok) {
    const error = (parsed as { error?: { message?: unknown } } | undefined)?.error;
    if (typeof error?.message !== 'string') throw notSmsgate();
    throw new ApiError(response.status, `${response.status}: ${error.message}`);
  }
  if (response.status !== 204 && (parsed === undefined || (extra.looksRight && !extra.looksRight(parsed)))) {
    throw notSmsgate();
  }
  extra.onHeaders?.(response.headers);
  return parsed as T;
}

function describeBody(response: Response, text: string): string {
  const type = response.headers.get('content-type') ?? 'no content type';
  const start = text.slice(0, 60).replace(/\s+/g, ' ').trim();
  return start ? `${type}: "${start}${text.length > 60 ? '…' : ''}"` : `${type}, empty body`;
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
