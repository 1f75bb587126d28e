/**
 * The check made after every fault: each acknowledged message is stored, ends in the status its
 * number should give, has its final event delivered (2xx) to the receiver after its `sent` event,
 * and the gateway still answers. Reads the gateway through its API (the operator's view) and the
 * receiver's records (the application's view); never the gateway's memory.
 */
import assert from 'node:assert/strict';
import { isFinalStatus } from '../../src/core/statuses.js';
import { api } from '../e2e/gateway-process.js';
import { TEST_ADMIN_KEY, waitFor } from '../helpers/gateway.js';
import type { NativeStatusPayload, ReceivedRequest, WebhookReceiver } from '../helpers/webhook-receiver.js';

interface MessageView {
  id: string;
  status: string;
  history: { status: string; at: string; code: string | null; detail: string | null }[];
}

export interface Verdict {
  /** Acknowledged messages not final, not found, or ending other than expected. */
  notFinal: string[];
  /** Final messages whose final event the receiver never acknowledged. */
  eventsMissing: string[];
  /** Messages whose final event was delivered before their `sent` event. */
  outOfOrder: string[];
  /** Events the receiver acknowledged more than once (allowed by at-least-once; counted). */
  eventRedeliveries: number;
  /** History entries that say a submission was caught by a stop or a dead connection and redone. */
  requeued: number;
  finals: Record<string, number>;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** Waits until the store holds no unfinished message (GET /v1/stats), then checks each one. */
export async function verdictAfterFault(
  baseUrl: string,
  accepted: ReadonlyMap<string, string>,
  receiver: WebhookReceiver,
  options: { timeoutMs?: number; expected?: (to: string) => string } = {},
): Promise<Verdict> {
  // Generous: on a loaded machine a full run's backlog takes minutes to drain (not a timing assertion).
  const timeoutMs = options.timeoutMs ?? 300_000;
  let last: Record<string, number> = {};
  await waitFor(
    async () => {
      const stats = await api<{ messages: Record<string, number> }>(
        baseUrl,
        TEST_ADMIN_KEY,
        'GET',
        '/v1/stats',
      );
      assert.equal(stats.status, 200, JSON.stringify(stats.body));
      last = stats.body.messages;
      const open = Object.entries(last).filter(([s, n]) => !isFinalStatus(s) && n > 0);
      return open.length === 0 ? true : undefined;
    },
    timeoutMs,
    'every stored message final',
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last counts ${JSON.stringify(last)}`);
  });

  const verdict: Verdict = {
    notFinal: [],
    eventsMissing: [],
    outOfOrder: [],
    eventRedeliveries: 0,
    requeued: 0,
    finals: {},
  };
  const finalOf = new Map<string, string>();
  await eachLimited([...accepted], 16, async ([id, to]) => {
    const { status, body } = await api<MessageView>(baseUrl, TEST_ADMIN_KEY, 'GET', `/v1/messages/${id}`);
    if (status !== 200) {
      verdict.notFinal.push(`${id}: GET answered ${status}`);
      return;
    }
    const expected = options.expected?.(to) ?? 'delivered';
    const trail = body.history.map((h) => h.status).join(' → ');
    if (!isFinalStatus(body.status) || body.status !== expected)
      verdict.notFinal.push(`${id}: ${body.status}, expected ${expected} (${trail})`);
    verdict.finals[body.status] = (verdict.finals[body.status] ?? 0) + 1;
    verdict.requeued += body.history.filter((h) => h.status === 'queued' && h.detail !== null).length;
    finalOf.set(id, body.status);
  });

  // Events: the final one of each message must reach the receiver (it may still be on its way
  // when the last message turned final, so wait for it to arrive: an observable event). The
  // receiver runs in this process: each poll reads only the requests that arrived since the last,
  // so checking never takes the event loop from the receiver it waits for (it once parsed every
  // body once per message per poll, and a 2,000-event backlog then trickled in at a few per second).
  const acknowledged = acknowledgedEvents(receiver);
  const missing = () => {
    const byMessage = acknowledged();
    return [...finalOf].filter(([id, status]) => !(byMessage.get(id) ?? []).some((e) => e.status === status));
  };
  await waitFor(() => (missing().length === 0 ? true : undefined), timeoutMs, 'every final event').catch(
    () => undefined,
  );
  const byMessage = acknowledged();
  for (const [id, status] of finalOf) {
    const events = byMessage.get(id) ?? [];
    const final = events.find((e) => e.status === status);
    if (!final) {
      verdict.eventsMissing.push(`${id}: no acknowledged ${status} event`);
      continue;
    }
    const sent = events.find((e) => e.status === 'sent');
    if (status === 'delivered' && (!sent || sent.tick > final.tick))
      verdict.outOfOrder.push(`${id}: ${events.map((e) => e.status).join(', ')}`);
    const ids = events.map((e) => e.eventId);
    verdict.eventRedeliveries += ids.length - new Set(ids).size;
  }
  return verdict;
}

interface AcknowledgedEvent {
  status: string;
  tick: number;
  eventId: string;
}

/**
 * The events the receiver acknowledged (2xx), per message, read incrementally: each call parses only
 * the requests answered since the one before and returns the same, grown map.
 */
function acknowledgedEvents(receiver: WebhookReceiver): () => Map<string, AcknowledgedEvent[]> {
  const byMessage = new Map<string, AcknowledgedEvent[]>();
  let next = 0;
  // Requests that had arrived but were not answered yet at the last read.
  let unanswered: ReceivedRequest[] = [];
  return () => {
    const fresh = [...unanswered, ...receiver.requests.slice(next)];
    next = receiver.requests.length;
    unanswered = fresh.filter((request) => request.answered === undefined);
    for (const request of fresh) {
      if (request.answered === undefined || request.answered < 200 || request.answered > 299) continue;
      const payload = JSON.parse(request.body) as NativeStatusPayload;
      const list = byMessage.get(payload.data.messageId) ?? [];
      list.push({ status: payload.data.status, tick: request.arrivedTick, eventId: payload.id });
      byMessage.set(payload.data.messageId, list);
    }
    return byMessage;
  };
}

/** Asserts the verdict holds nothing lost: every message final, every final event delivered, in order. */
export function assertNothingLost(verdict: Verdict, accepted: number): void {
  assert.deepEqual(verdict.notFinal.slice(0, 10), [], `${verdict.notFinal.length} of ${accepted} not final`);
  assert.deepEqual(
    verdict.eventsMissing.slice(0, 10),
    [],
    `${verdict.eventsMissing.length} of ${accepted} final events never delivered`,
  );
  assert.deepEqual(verdict.outOfOrder.slice(0, 10), [], `${verdict.outOfOrder.length} out of order`);
}

/** Messages lost by the verdict's measure (the figure that must be 0). */
export function lostCount(verdict: Verdict): number {
  return verdict.notFinal.length + verdict.eventsMissing.length;
}

/** Messages among the first `accepted` 202s whose final event the receiver has not acknowledged yet. */
export function notYetFinal(receiver: WebhookReceiver, accepted: number): number {
  const finals = new Set<string>();
  for (const request of receiver.requests) {
    if (request.answered === undefined || request.answered < 200 || request.answered > 299) continue;
    const payload = JSON.parse(request.body) as NativeStatusPayload;
    if (payload.data.final) finals.add(payload.data.messageId);
  }
  return Math.max(0, accepted - finals.size);
}
