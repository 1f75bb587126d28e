/**
 * The same cases over every HTTP dialect (as test/connectors/connector-conformance.test.ts does for
 * connectors): a send accepted in the dialect's shape and delivered end to end; bad input,
 * missing or wrong credentials, a forbidden request, a body too large and a malformed body each
 * refused in the dialect's own error shape, with nothing stored. Each dialect's adapter
 * (./*-adapter.ts) says how its callers ask and what its answers look like.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { startTestGateway, waitFor } from '../../helpers/gateway.js';
import { accoladesAdapter } from './accolades-adapter.js';
import type { DialectAdapter, DialectCases } from './dialect-adapter.js';
import { interactRestAdapter } from './interact-rest-adapter.js';
import { interactSoapAdapter } from './interact-soap-adapter.js';
import { jasminAdapter } from './jasmin-adapter.js';
import { kannelAdapter } from './kannel-adapter.js';
import { nativeAdapter } from './native-adapter.js';
import { serviceStackSendSmsAdapter } from './servicestack-send-sms-adapter.js';
import { serviceStackSmsSendAdapter } from './servicestack-sms-send-adapter.js';
import { twilioAdapter } from './twilio-adapter.js';

const ADAPTERS: readonly DialectAdapter[] = [
  nativeAdapter,
  interactRestAdapter, // Interact, REST
  interactSoapAdapter, // Interact, SOAP
  serviceStackSendSmsAdapter,
  serviceStackSmsSendAdapter,
  accoladesAdapter, // Accolades sms/send
  twilioAdapter, // Twilio Messages.json
  kannelAdapter, // Kannel /cgi-bin/sendsms
  jasminAdapter, // Jasmin /send
];

/** Small enough that each adapter's `tooLarge` request is over it, large enough for every valid one. */
const BODY_LIMIT = 2048;

async function messageCount(store: TestStore): Promise<number> {
  const row = await store.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const adapter of ADAPTERS) {
  await describeEachDatabase(
    `dialect conformance: ${adapter.name}`,
    (db) => {
      let store: TestStore;
      let gateway: Gateway;
      let cases: DialectCases;
      before(async () => {
        store = await db.open();
        gateway = await startTestGateway(store, {
          config: { ...adapter.config, bodyLimitBytes: BODY_LIMIT, defaultRegion: undefined },
        });
        cases = await adapter.setup(gateway, store);
      });
      after(async () => {
        await gateway.stop(false);
        await store.destroy();
      });

      it('a send is accepted in the dialect’s shape, and the message is delivered end to end', async () => {
        const ids = cases.accepted(await gateway.http.inject(cases.send('+447911123456')));
        assert.equal(ids.length, 1);
        await waitFor(
          async () => {
            const row = await store.db
              .selectFrom('messages')
              .select('status')
              .where('id', '=', ids[0]!)
              .executeTakeFirst();
            return row?.status === 'delivered' ? true : undefined;
          },
          10_000,
          'the message delivered',
        );
      });

      it('a bad recipient is a 400 in the dialect’s shape naming the field, and stores nothing', async () => {
        const before = await messageCount(store);
        cases.refusedBadRecipient(await gateway.http.inject(cases.badRecipient()));
        assert.equal(await messageCount(store), before);
      });

      it('missing or wrong credentials are a 401 in the dialect’s shape, and store nothing', async () => {
        const before = await messageCount(store);
        const requests = cases.unauthenticated();
        assert.ok(requests.length >= 2, 'both missing and wrong credentials');
        for (const request of requests) cases.refusedUnauthenticated(await gateway.http.inject(request));
        assert.equal(await messageCount(store), before);
      });

      it('a request the caller may not make is a 403 in the dialect’s shape', async () => {
        const before = await messageCount(store);
        cases.refusedForbidden(await gateway.http.inject(cases.forbidden()));
        assert.equal(await messageCount(store), before);
      });

      it('a body over the limit is a 413, a malformed body a 400, both in the dialect’s shape', async () => {
        const before = await messageCount(store);
        cases.refused(await gateway.http.inject(cases.tooLarge()), 413);
        cases.refused(await gateway.http.inject(cases.malformed()), 400);
        assert.equal(await messageCount(store), before);
      });
    },
    describe,
  );
}
