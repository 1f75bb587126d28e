import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { OptOutRegistry } from '../../src/accounts/opt-out-registry.js';
import { SenderNumbers } from '../../src/accounts/sender-numbers.js';
import { buildConfig } from '../../src/config/load-config.js';
import type { InboundMessage } from '../../src/connectors/connector.js';
import { createLogger } from '../../src/core/logger.js';
import { InboundService } from '../../src/inbound/inbound-service.js';
import { listInbound } from '../../src/store/queries/inbound.js';
import { WebhookDeliverer } from '../../src/webhooks/webhook-deliverer.js';
import { WebhookClient } from '../../src/webhooks/webhook-request.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';

const config = buildConfig({ logLevel: 'silent', inbound: { partsMaxWaitSeconds: 60 } });
const logger = createLogger('silent');

function service(store: TestStore): InboundService {
  const webhooks = new WebhookDeliverer(
    store,
    new WebhookClient({ allowPrivateAddresses: true }),
    config.webhooks,
    logger,
  );
  return new InboundService(store, webhooks, new OptOutRegistry(), new SenderNumbers(), config, logger);
}

function part(
  seqnum: number,
  text: string,
  reference = 7,
  total = 3,
  receivedAt = Date.now(),
): InboundMessage {
  return {
    connector: 'smsc',
    from: '447911123456',
    to: '12345',
    text,
    receivedAt,
    concat: { reference, total, seqnum },
  };
}

const countParts = async (store: TestStore) =>
  Number(
    (
      await store.db
        .selectFrom('inbound_parts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

await describeEachDatabase(
  'durable inbound reassembly',
  (db) => {
    let store: TestStore;
    beforeEach(async () => {
      store = await db.open();
    });
    afterEach(async () => {
      await store.destroy();
    });

    it('stores each part until the last arrives, whatever the order, then the whole message once', async () => {
      const inbound = service(store);
      assert.equal(await inbound.receive(part(3, 'C')), null);
      assert.equal(await inbound.receive(part(1, 'A')), null);
      assert.equal(await inbound.receive(part(1, 'A')), null, 'a repeated part completes nothing');
      assert.equal(await countParts(store), 2);
      const whole = await inbound.receive(part(2, 'B'));
      assert.equal(whole?.body, 'ABC');
      assert.equal(whole?.from_number, '+447911123456');
      assert.equal(await countParts(store), 0, 'the parts are deleted with the whole message stored');
      assert.deepEqual(
        (await listInbound(store, { limit: 10 })).map((r) => r.body),
        ['ABC'],
      );
    });

    it('completes a message whose parts arrive all at once (no part misses the completion)', async () => {
      const inbound = service(store);
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => inbound.receive(part(n, String(n), 9, 5))),
      );
      assert.equal(results.filter((r) => r !== null).length, 1);
      assert.equal((await listInbound(store, { limit: 10 }))[0]?.body, '12345');
    });

    it('keeps the parts across a restart: a new service completes the message', async () => {
      await service(store).receive(part(1, 'Hel', 3, 2));
      const after = service(store);
      const whole = await after.receive(part(2, 'lo', 3, 2));
      assert.equal(whole?.body, 'Hello');
    });

    it('keeps messages of different references and senders apart', async () => {
      const inbound = service(store);
      await inbound.receive(part(1, 'x', 1, 2));
      await inbound.receive({ ...part(1, 'y', 1, 2), from: '447911123457' });
      const a = await inbound.receive(part(2, 'X', 1, 2));
      const b = await inbound.receive({ ...part(2, 'Y', 1, 2), from: '447911123457' });
      assert.equal(a?.body, 'xX');
      assert.equal(b?.body, 'yY');
    });

    it('stores an incomplete message after the wait, missing parts shown as "…", never dropped', async () => {
      const inbound = service(store);
      const old = Date.now() - 120_000;
      await inbound.receive(part(1, 'Start ', 4, 3, old));
      await inbound.receive(part(3, ' end', 4, 3, old));
      await inbound.receive(part(1, 'fresh', 5, 2));
      assert.equal(await inbound.releaseStaleParts(), 1);
      const rows = await listInbound(store, { limit: 10 });
      assert.deepEqual(
        rows.map((r) => r.body),
        ['Start … end'],
      );
      assert.equal(await countParts(store), 1, 'the part still within its wait stays');
    });
  },
  describe,
);
