import { AsyncLocalStorage } from 'node:async_hooks';

/** What the layers below the API know about the request they work for. */
export interface RequestContext {
  /** The HTTP request id (`X-Request-Id` when the caller sent a sane one, else Fastify's). */
  readonly requestId: string;
  /** The API dialect whose route took the request (`native`, `twilio`, `smpp` …). */
  dialect: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Runs `fn` inside a request's context. An AsyncLocalStorage rather than a parameter: the accept
 * path is shared by every dialect, and threading an id through each of their send calls would make
 * every dialect remember it; the context follows the request's async work on its own.
 */
export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the request this code runs for, if it runs for one. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
