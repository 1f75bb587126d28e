// An Upstream over one of the fake HTTP providers (test/fakes). Not a test file.
import type { Gateway } from '../../../src/gateway.js';
import type { FakeProvider, RecordedRequest } from '../../fakes/fake-provider-base.js';
import { type ConnectorInput, digitsOf, type Upstream } from './upstream.js';

export interface FakeUpstreamOptions {
  readonly connector: ConnectorInput;
  /** Whether a request is a send (the rest are ignored). */
  readonly isSend: (request: RecordedRequest) => boolean;
  /** The destinations a send request carried, as written (one per message in it). */
  readonly destinations: (request: RecordedRequest) => string[];
}

/** Wraps a fake provider: its records are the upstream's view of what the gateway sent. */
export function fakeUpstream(fake: FakeProvider, options: FakeUpstreamOptions): Upstream {
  const sends = () => fake.requests.filter(options.isSend);
  return {
    connector: options.connector,
    async attach(_gateway: Gateway) {},
    submissionsFor: (to) =>
      sends()
        .flatMap(options.destinations)
        .filter((d) => digitsOf(d) === digitsOf(to)).length,
    acceptedFor: (to) =>
      fake.messages
        .filter((m) => digitsOf(m.to) === digitsOf(to))
        .map((m) => ({ upstreamId: m.id, text: m.text })),
    requestCount: () => sends().length,
    failNext: (n) => fake.failNext(n, 503),
    down: () => fake.down(),
    up: () => fake.up(),
    close: () => fake.close(),
  };
}

/** The `to` of each entry of a `{"messages":[…]}` body (Clickatell, Grandcom). */
export function messagesBodyDestinations(request: RecordedRequest): string[] {
  const list = (request.body as { messages?: unknown } | undefined)?.messages;
  if (!Array.isArray(list)) return [];
  return list
    .map((m) => (m as { to?: unknown } | null)?.to)
    .filter((to): to is string => typeof to === 'string');
}

/** One field of a flat body (form or JSON), as a one-element list. */
export function fieldDestination(field: string): (request: RecordedRequest) => string[] {
  return (request) => {
    const value = (request.body as Record<string, unknown> | undefined)?.[field];
    return typeof value === 'string' ? [value] : [];
  };
}
