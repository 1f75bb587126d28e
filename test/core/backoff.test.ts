import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs, Circuit } from '../../src/core/backoff.js';

const POLICY = { baseMs: 1000, maxMs: 60_000 } as const;

describe('backoffDelayMs', () => {
  it('doubles from the base per failure and stops at the cap (no jitter)', () => {
    const exact = { ...POLICY, jitter: 'none' } as const;
    const delays = Array.from({ length: 9 }, (_, i) => backoffDelayMs(exact, i + 1));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    assert.equal(backoffDelayMs(exact, 0), 1000, 'no failure yet counts as the first');
    assert.equal(backoffDelayMs(exact, 10_000), 60_000, 'huge counts stay at the cap (no Infinity)');
  });

  it('with half jitter stays between half and all of the exponential value', () => {
    for (let failures = 1; failures <= 10; failures++) {
      const exponential = Math.min(POLICY.maxMs, POLICY.baseMs * 2 ** (failures - 1));
      assert.equal(
        backoffDelayMs(POLICY, failures, () => 0),
        exponential / 2,
        'the floor is half',
      );
      assert.equal(
        backoffDelayMs(POLICY, failures, () => 0.999_999),
        exponential,
        'the ceiling is all',
      );
      const sampled = backoffDelayMs(POLICY, failures);
      assert.ok(sampled >= exponential / 2 && sampled <= exponential, `${sampled} for ${failures}`);
    }
  });

  it('spreads jittered delays over the whole upper half', () => {
    const samples = Array.from({ length: 2000 }, () => backoffDelayMs(POLICY, 3));
    const low = samples.filter((d) => d < 3000).length;
    assert.ok(low > 700 && low < 1300, `${low} of 2000 in the lower quarter of the range`);
  });
});

describe('Circuit', () => {
  const exact = { ...POLICY, jitter: 'none' } as const;

  it('is closed until a failure; a success closes it again and resets the back-off', () => {
    const circuit = new Circuit(exact);
    assert.equal(circuit.state(0), 'closed');
    assert.equal(circuit.recordFailure(0, 10), 'tripped');
    assert.equal(circuit.state(10), 'open');
    assert.equal(circuit.openUntil, 1010);
    assert.equal(circuit.state(1010), 'probing');
    circuit.recordSuccess();
    assert.equal(circuit.state(1010), 'closed');
    assert.equal(circuit.recordFailure(2000, 2000), 'tripped');
    assert.equal(circuit.openUntil, 3000, 'back to the base wait after a success');
  });

  it('counts the failures of requests already in flight when it tripped as one trip', () => {
    const circuit = new Circuit(exact);
    // Eight requests started at 0..7; the receiver goes down; they fail one after another.
    const effects = Array.from({ length: 8 }, (_, i) => circuit.recordFailure(i, 100 + i));
    assert.deepEqual(effects, ['tripped', ...Array(7).fill('same-outage')]);
    assert.equal(circuit.trips, 1);
    assert.equal(circuit.openUntil, 1100);
    // A slow one of them failing after the open period ended is still the same outage.
    assert.equal(circuit.recordFailure(5, 5000), 'same-outage');
    assert.equal(circuit.trips, 1);
  });

  it('doubles the open period for each failed probe, up to the cap', () => {
    const circuit = new Circuit(exact);
    let now = 0;
    circuit.recordFailure(now, now);
    const waits: number[] = [];
    for (let probe = 0; probe < 8; probe++) {
      now = circuit.openUntil;
      assert.equal(circuit.state(now), 'probing');
      assert.equal(circuit.recordFailure(now, now + 1), 'tripped');
      waits.push(circuit.openUntil - (now + 1));
    }
    assert.deepEqual(waits, [2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    assert.equal(circuit.trips, 9);
  });

  it('opens only after tripAfter failures in a row, then trips on each failed probe', () => {
    const circuit = new Circuit(exact, 3);
    assert.equal(circuit.recordFailure(0, 1), 'counted');
    assert.equal(circuit.recordFailure(0, 2), 'counted');
    assert.equal(circuit.state(2), 'closed');
    assert.equal(circuit.recordFailure(0, 3), 'tripped');
    assert.equal(circuit.state(3), 'open');
    assert.equal(circuit.recordFailure(1003, 1004), 'tripped', 'one failed probe is enough');
    circuit.recordSuccess();
    assert.equal(circuit.recordFailure(5000, 5001), 'counted', 'a success restarts the count');
  });
});
