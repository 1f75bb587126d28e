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

export async function apiRequest<T>(
  options: ApiClientOptions,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(options.url + path, {
      method,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
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
  if (!response.ok) {
    const error = (parsed as { error?: { message?: string } } | undefined)?.error;
    throw new ApiError(response.status, `${response.status}: ${error?.message ?? text}`);
  }
  return parsed as T;
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
