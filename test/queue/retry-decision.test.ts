import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decideAfterFailure,
  type FailedAttempt,
  type RetryDecision,
} from '../../src/queue/retry-decision.js';

const NOW = 1_000_000;
const base: FailedAttempt = {
  attempts: 1,
  maxAttempts: 8,
  expiresAt: NOW + 48 * 3600_000,
  connector: 'first',
  alternative: undefined,
  retryConnector: 'first',
  retryBaseMs: 2000,
  retryMaxMs: 600_000,
  now: NOW,
};
const retryable = { retryable: true, message: 'ESME_RTHROTTLED' };
const permanent = { retryable: false, message: 'ESME_RINVDSTADR' };

/** [what, failure, attempt overrides, random, expected (due relative to NOW)] */
const TABLE: [
  string,
  typeof retryable,
  Partial<FailedAttempt>,
  number,
  Partial<RetryDecision> & { dueIn?: number },
][] = [
  ['a permanent refusal is rejected at once', permanent, {}, 0, { kind: 'final', status: 'rejected' }],
  [
    'a permanent refusal is rejected even with a failover',
    permanent,
    { alternative: 'second' },
    0,
    { kind: 'final', status: 'rejected' },
  ],
  [
    'the first retry waits 1–2 s (random 0: the floor)',
    retryable,
    {},
    0,
    { kind: 'retry', connector: 'first', dueIn: 1000 },
  ],
  [
    'the first retry waits 1–2 s (random ~1: the ceiling)',
    retryable,
    {},
    0.9999999,
    { kind: 'retry', dueIn: 2000 },
  ],
  ['the fourth waits 8–16 s', retryable, { attempts: 4 }, 0, { kind: 'retry', dueIn: 8000 }],
  [
    'the back-off stops at retryMaxMs',
    retryable,
    { attempts: 12, maxAttempts: 20 },
    0.9999999,
    { kind: 'retry', dueIn: 600_000 },
  ],
  ['at maxAttempts it fails', retryable, { attempts: 8 }, 0, { kind: 'final', status: 'failed' }],
  [
    'a failover connector is tried now',
    retryable,
    { alternative: 'second' },
    0,
    { kind: 'retry', connector: 'second', dueIn: 0 },
  ],
  [
    'a retry uses the route’s current connector',
    retryable,
    { retryConnector: 'third' },
    0,
    { kind: 'retry', connector: 'third' },
  ],
  [
    'validity ending before the retry expires it',
    retryable,
    { expiresAt: NOW + 500 },
    0,
    { kind: 'final', status: 'expired' },
  ],
  [
    'validity ending exactly at the retry expires it',
    retryable,
    { expiresAt: NOW + 1000 },
    0,
    { kind: 'final', status: 'expired' },
  ],
  [
    'validity after the retry lets it wait',
    retryable,
    { expiresAt: NOW + 1001 },
    0,
    { kind: 'retry', dueIn: 1000 },
  ],
];

describe('decideAfterFailure', () => {
  for (const [what, failure, overrides, random, expected] of TABLE) {
    it(what, () => {
      const decision = decideAfterFailure(failure, { ...base, ...overrides }, () => random);
      assert.equal(decision.kind, expected.kind);
      if (decision.kind === 'final') {
        assert.equal(decision.status, (expected as { status: string }).status);
        assert.ok(decision.detail.includes(failure.message), decision.detail);
      } else {
        if (expected.dueIn !== undefined) assert.equal(decision.due - NOW, expected.dueIn);
        if ('connector' in expected) assert.equal(decision.connector, expected.connector);
        assert.match(decision.detail, /attempt \d+/);
      }
    });
  }
});
