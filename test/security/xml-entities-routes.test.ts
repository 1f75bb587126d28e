/**
 * XML external entities and entity expansion on ServiceStack's XML routes (the Interact SOAP
 * endpoint has the same cases in test/api/dialects/interact-soap.test.ts): a DOCTYPE is refused
 * with a 400 ResponseStatus in XML — the file is never read, the entities never expanded, nothing
 * is stored.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { countStoredMessages } from '../api/support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../helpers/gateway.js';

const XXE = (root: string, inner: string) =>
  `<?xml version="1.0"?><!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${inner.replace('TEXT', '&xxe;')}`;
function billionLaughs(root: string, inner: string): string {
  let entities = '<!ENTITY lol0 "lol">';
  for (let i = 1; i <= 9; i++) entities += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
  return `<?xml version="1.0"?><!DOCTYPE ${root} [${entities}]>${inner.replace('TEXT', '&lol9;')}`;
}

const SMS_SEND = `<SMSSend xmlns="http://schemas.servicestack.net/types"><SMSModel><MessageBody>TEXT</MessageBody><To><SMSContact><PhoneNumber>+447911123456</PhoneNumber></SMSContact></To></SMSModel></SMSSend>`;

const ROUTES = [
  {
    url: '/api/sendmessage.xml',
    root: 'SMSSend',
    inner: SMS_SEND,
    type: 'application/xml',
    shape: /<ResponseStatus>/,
  },
  {
    url: '/xml/reply/SMSSend',
    root: 'SMSSend',
    inner: SMS_SEND,
    type: 'application/xml',
    shape: /<ResponseStatus>/,
  },
];

await describeEachDatabase(
  'XML entities on every XML route',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    for (const route of ROUTES) {
      it(`${route.url}: external entities and billion laughs are a 400 in the dialect`, async () => {
        const before = await countStoredMessages(store);
        for (const body of [XXE(route.root, route.inner), billionLaughs(route.root, route.inner)]) {
          const response = await gateway.http.inject({
            method: 'POST',
            url: route.url,
            headers: { ...ADMIN_AUTH, 'content-type': route.type },
            payload: body,
          });
          assert.equal(response.statusCode, 400, `${route.url}: ${response.body.slice(0, 300)}`);
          assert.match(String(response.headers['content-type']), new RegExp(`^${route.type}`));
          assert.match(response.body, route.shape);
          assert.doesNotMatch(response.body, /root:x:0:0|lollollol/);
        }
        assert.equal(await countStoredMessages(store), before);
      });
    }
  },
  describe,
);
