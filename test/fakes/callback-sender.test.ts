// The fakes' callback sender under load: many callbacks at once must not pile listeners onto one
// abort signal (the conformance suite's 20-at-once case used to print MaxListenersExceededWarning).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { CallbackSender } from './callback-sender.js';

describe('CallbackSender', () => {
  it('delivers 40 callbacks at once without a MaxListenersExceededWarning, and stop() abandons a retry', async () => {
    const receiver = await WebhookReceiver.start(200);
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const sender = new CallbackSender({
        delayMs: 1,
        retryMs: 10,
        retries: 2,
        duplicate: false,
        reverse: false,
        timeoutMs: 2000,
      });
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          sender.send({ url: receiver.url(`/cb/${i}`), headers: {}, body: `n=${i}`, label: 'load' }),
        ),
      );
      assert.ok(results.every(Boolean));
      assert.equal(receiver.requests.length, 40);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message),
        [],
      );

      // A sender that would retry for a long time: stop() must end its wait between attempts.
      receiver.answer(503);
      const patient = new CallbackSender({
        delayMs: 1,
        retryMs: 60_000,
        retries: 5,
        duplicate: false,
        reverse: false,
        timeoutMs: 2000,
      });
      const pending = patient.send({ url: receiver.url('/never'), headers: {}, body: '', label: 'stop' });
      await receiver.waitForRequests(41);
      patient.stop();
      // Abandoned either way: the attempt under way is cut off (false), or the wait before the next
      // one is (AbortError), depending on whether the 503 had come back yet.
      const outcome = await pending.then(
        (delivered) => delivered,
        (error: Error) => error.name,
      );
      assert.ok(outcome === false || outcome === 'AbortError', String(outcome));
      assert.equal(receiver.to('/never').length, 1, 'no retry after stop()');
    } finally {
      process.off('warning', onWarning);
      await receiver.close();
    }
  });
});
