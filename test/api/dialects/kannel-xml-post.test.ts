// Kannel's XML POST to /cgi-bin/sendsms, with the document of the Kannel 1.4 user guide
// (doc/userguide/userguide.xml, section "XML Post", in "Extended headers"): `Content-Type:
// text/xml`, `<message><submit>` with da/oa/ud/udh/meta-data/dcs/pid/rpi/vp/timing/statusrequest
// and the application's `<from>` credentials and `<to>` smsc-id. Each element is the CGI variable
// of the same meaning, answered as a GET is; a refusal stores nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { assertKannel, provisionKannel } from './kannel-support.js';

async function messageCount(store: TestStore): Promise<number> {
  const row = await store.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The guide's document, its placeholders filled in (two `da`, as "There could be several da
 * entries for sendsms-user"), without the `<!DOCTYPE ...>` placeholder line (the next case) and
 * the udh (binary: a case of its own), and only the application-to-Kannel `from` and `to`.
 */
const GUIDE_DOCUMENT = `<?xml version="1.0"?>
<message>
  <submit>
    <da><number>447911123456</number></da>
    <da><number>447911123457</number></da>
    <oa><number>ACME</number></oa>
    <ud>Hello+world%21</ud>
    <meta-data>?smpp?key=value</meta-data>
    <dcs>
      <mclass>1</mclass>
      <coding>0</coding>
      <mwi>0</mwi>
      <compress>0</compress>
      <alt-dcs>0</alt-dcs>
    </dcs>
    <pid>0</pid>
    <rpi>0</rpi>
    <vp>
      <delay>1440</delay>
    </vp>
    <timing>
      <delay>5</delay>
    </timing>
    <statusrequest>
      <dlr-mask>31</dlr-mask>
      <dlr-url>http://app.example.com/dlr?type=%d</dlr-url>
    </statusrequest>

    <!-- request from application to Kannel -->
    <from>
      <username>foo</username>
      <password>bar</password>
      <account>billing-7</account>
    </from>
    <to>sim</to>

  </submit>
</message>`;

const post = (body: string | Buffer, contentType = 'text/xml') => ({
  method: 'POST' as const,
  url: '/cgi-bin/sendsms',
  headers: { 'content-type': contentType },
  payload: body,
});

await describeEachDatabase(
  'kannel sendsms XML POST, as the Kannel user guide documents it',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store, { config: { defaultRegion: 'GB' } });
      // The user guide's sendsms-user: username=foo, password=bar.
      await provisionKannel(gateway, { username: 'foo', password: 'bar' });
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('the guide’s document: every element as its CGI variable, 202 3: Queued for later delivery (timing/delay)', async () => {
      const response = await gateway.http.inject(post(GUIDE_DOCUMENT));
      assertKannel(response, 202, '3: Queued for later delivery');
      const ids = String(response.headers['smsgate-message-id']).split(',');
      assert.equal(ids.length, 2, 'one message per da');
      const rows = await store.db
        .selectFrom('messages')
        .selectAll()
        .where('id', 'in', ids)
        .orderBy('to_number')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.to_number),
        ['+447911123456', '+447911123457'],
      );
      for (const row of rows) {
        assert.equal(row.body, 'Hello world!', 'ud is URL-decoded, as Kannel decodes it');
        assert.equal(row.sender, 'ACME');
        assert.equal(row.status, 'scheduled');
        assert.ok(
          Math.abs(Number(row.schedule_at) - Number(row.created_at) - 5 * 60_000) < 5_000,
          'timing/delay',
        );
        assert.ok(
          Math.abs(Number(row.expires_at) - Number(row.schedule_at) - 1440 * 60_000) < 5_000,
          'vp/delay, from the deferred time',
        );
      }
      // Two recipients share one stored request: its callback and metadata.
      const shared = await store.db
        .selectFrom('message_requests')
        .selectAll()
        .where('id', '=', rows[0]!.request_id ?? '')
        .executeTakeFirstOrThrow();
      assert.equal(shared.callback_url, 'http://app.example.com/dlr?type=%d');
      assert.equal(shared.callback_format, 'kannel:31');
      const metadata = JSON.parse(String(shared.metadata ?? '{}')) as { kannel?: Record<string, unknown> };
      assert.equal(metadata.kannel?.account, 'billing-7');
      assert.equal(metadata.kannel?.metaData, '?smpp?key=value');
      assert.equal(metadata.kannel?.smsc, 'sim', '<to> is the smsc-id');
      assert.equal(metadata.kannel?.mclass, 1);
    });

    it('user/pass (the other spelling), no timing: 202 0: Accepted for delivery; an ISO-8859-1 document', async () => {
      const latin1 = Buffer.from(
        `<?xml version="1.0" encoding="ISO-8859-1"?><message><submit><da><number>447911123458</number></da><ud>na\u00efve</ud><from><user>foo</user><pass>bar</pass></from></submit></message>`,
        'latin1',
      );
      const response = await gateway.http.inject(post(latin1));
      assertKannel(response, 202, '0: Accepted for delivery');
      const id = String(response.headers['smsgate-message-id']);
      const row = await store.db
        .selectFrom('messages')
        .select('body')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(row.body, 'naïve');
    });

    it('refusals in Kannel’s words, each storing nothing', async () => {
      const before = await messageCount(store);
      const submit = (inner: string) => `<?xml version="1.0"?><message><submit>${inner}</submit></message>`;
      const credentials = '<from><username>foo</username><password>bar</password></from>';
      // Wrong password; and a document Kannel cannot read gives it no credentials at all.
      assertKannel(
        await gateway.http.inject(
          post(
            submit(
              '<da><number>447911123456</number></da><from><username>foo</username><password>x</password></from>',
            ),
          ),
        ),
        403,
        'Authorization failed for sendsms',
      );
      assertKannel(
        await gateway.http.inject(post('<message><submit>')),
        403,
        'Authorization failed for sendsms',
      );
      assertKannel(
        await gateway.http.inject(post(`<sms>${credentials}</sms>`)),
        403,
        'Authorization failed for sendsms',
      );
      assertKannel(
        await gateway.http.inject(post(submit(`<ud>hi</ud>${credentials}`))),
        400,
        'Missing receiver number, rejected',
      );
      assertKannel(
        await gateway.http.inject(
          post(submit(`<da><number>447911123456</number></da><dcs><coding>7</coding></dcs>${credentials}`)),
        ),
        400,
        'Coding field misformed, rejected',
      );
      assertKannel(
        await gateway.http.inject(
          post(
            submit(
              `<da><number>447911123456</number></da><statusrequest><dlr-mask>99</dlr-mask></statusrequest>${credentials}`,
            ),
          ),
        ),
        400,
        'DLR-Mask field misformed, rejected',
      );
      // The guide's udh before a 7-bit text: this gateway sends a UDH with 8-bit data only.
      assertKannel(
        await gateway.http.inject(
          post(
            submit(
              `<da><number>447911123456</number></da><udh>06050415820000</udh><ud>hello</ud><dcs><coding>0</coding></dcs>${credentials}`,
            ),
          ),
        ),
        400,
        'UDH is supported with 8-bit messages only (coding=1) by this gateway, rejected',
      );
      // The guide's `<!DOCTYPE ...>` line: no DTD is read, so no entity is ever expanded.
      assertKannel(
        await gateway.http.inject(
          post(
            `<?xml version="1.0"?>\n<!DOCTYPE message [<!ENTITY x "y">]>\n${submit(`<da><number>447911123456</number></da><ud>&x;</ud>${credentials}`).replace('<?xml version="1.0"?>', '')}`,
          ),
        ),
        400,
        'XML documents with a DTD are not accepted, rejected',
      );
      assert.equal(await messageCount(store), before);
    });
  },
  describe,
);
