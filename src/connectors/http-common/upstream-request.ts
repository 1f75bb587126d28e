import { ConnectorError } from '../../core/errors.js';

export interface UpstreamRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | undefined;
  readonly timeoutMs: number;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly text: string;
  /** The body parsed as JSON, when it is JSON. */
  readonly json: unknown;
}

/**
 * One request to a provider's HTTP API. A network error or timeout throws a retryable
 * ConnectorError (the message was maybe not taken, so trying again is right); any HTTP answer is
 * returned for the connector to judge.
 */
export async function upstreamRequest(request: UpstreamRequest): Promise<UpstreamResponse> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ConnectorError(
      timedOut
        ? `no answer from ${new URL(request.url).host} within ${request.timeoutMs} ms`
        : `cannot reach ${new URL(request.url).host}: ${cause?.code ?? cause?.message ?? String(error)}`,
      { retryable: true, rawCode: timedOut ? 'timeout' : (cause?.code ?? 'network'), cause: error },
    );
  }
  const text = await response.text().catch(() => '');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** Statuses worth retrying: timeouts, throttling and server errors (never other 4xx). */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
