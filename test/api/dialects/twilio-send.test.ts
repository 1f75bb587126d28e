// Twilio's Messages.json parameters and refusals, request by request (inject): every refusal is
// Twilio's error JSON with the code a Twilio application checks, and stores nothing; scheduling
// with ScheduleType=fixed + SendAt, cancelling with Status=canceled; `twilio` credentials (SID
// and token rules, the token never listed).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromMessageSid } from '../../../src/core/message-sid.js';
import type { Gateway } from '../../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../../helpers/databases.js';
import { ADMIN_AUTH, startTestGateway } from '../../helpers/gateway.js';
import {
  assertTwilioError,
  createMessage,
  freshAccountSid,
  provisionTwilio,
  type TwilioAccount,
  twilioAuth,
} from './twilio-support.js';

const VALID = { To: '+447911123456', From: '+447911000009', Body: 'hello' };

async function messageCount(store: TestStore): Promise<number> {
  const row = await store.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

await describeEachDatabase(
  'twilio Messages.json parameters',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let caller: TwilioAccount;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      caller = await provisionTwilio(gateway);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    it('each missing or bad parameter is refused with Twilio’s code, and nothing is stored', async () => {
      const before = await messageCount(store);
      const { To: _to, ...noTo } = VALID;
      const { From: _from, ...noFrom } = VALID;
      const cases: [Record<string, string>, number, RegExp][] = [
        [noTo, 21604, /^A 'To' phone number is required\.$/],
        [noFrom, 21603, /^A 'From' or 'MessagingServiceSid' parameter is required$/],
        [{ ...VALID, Body: '' }, 21602, /^Message body is required\.$/],
        [{ ...VALID, From: 'not a sender!!' }, 21212, /^From /],
        [{ ...VALID, Body: 'x'.repeat(2000) }, 21617, /characters; at most/],
        [{ ...VALID, ValidityPeriod: '0' }, 21624, /between 1 and 36,000 seconds/],
        [{ ...VALID, ValidityPeriod: '36001' }, 21624, /between 1 and 36,000 seconds/],
        [{ ...VALID, ScheduleType: 'fixed' }, 35111, /SendAt/],
        [
          { ...VALID, ScheduleType: 'fixed', SendAt: new Date(Date.now() + 60_000).toISOString() },
          35114,
          /300 seconds and 35 days/,
        ],
        [{ ...VALID, ScheduleType: 'fixed', SendAt: 'tomorrow' }, 35114, /300 seconds and 35 days/],
        [{ ...VALID, MessagingServiceSid: 'MG123' }, 21701, /MG123 is invalid/],
        [{ ...VALID, MediaUrl: 'https://example.com/cat.png' }, 21620, /SMS only/],
        [{ ...VALID, StatusCallback: 'not a url' }, 21609, /StatusCallback/],
      ];
      for (const [fields, code, message] of cases) {
        assertTwilioError(await gateway.http.inject(createMessage(caller, fields)), 400, code, message);
      }
      assert.equal(await messageCount(store), before);
    });

    it('MessagingServiceSid stands in for From; unknown parameters are ignored, as Twilio ignores them', async () => {
      const { From: _from, ...noFrom } = VALID;
      const response = await gateway.http.inject(
        createMessage(caller, {
          ...noFrom,
          MessagingServiceSid: `MG${'a'.repeat(32)}`,
          MaxPrice: '0.5',
          Attempt: '2',
        }),
      );
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().from, null);
    });

    it('ScheduleType=fixed with SendAt is a scheduled message, which Status=canceled cancels', async () => {
      const sendAt = new Date(Date.now() + 3_600_000).toISOString();
      const created = await gateway.http.inject(
        createMessage(caller, { ...VALID, ScheduleType: 'fixed', SendAt: sendAt }),
      );
      assert.equal(created.statusCode, 201, created.body);
      const message = created.json() as { sid: string; status: string };
      assert.equal(message.status, 'scheduled');
      const canceled = await gateway.http.inject({
        method: 'POST',
        url: `/2010-04-01/Accounts/${caller.accountSid}/Messages/${message.sid}.json`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...twilioAuth(caller.accountSid, caller.authToken),
        },
        payload: 'Status=canceled',
      });
      assert.equal(canceled.statusCode, 200, canceled.body);
      assert.equal(canceled.json().status, 'canceled');
      const row = await store.db
        .selectFrom('messages')
        .select('status')
        .where('id', '=', fromMessageSid(message.sid)!)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'canceled');
    });

    it('unknown paths and messages are Twilio’s 404 (20404); another account’s message is not found', async () => {
      const auth = twilioAuth(caller.accountSid, caller.authToken);
      assertTwilioError(
        await gateway.http.inject({
          method: 'GET',
          url: `/2010-04-01/Accounts/${caller.accountSid}/Calls.json`,
          headers: auth,
        }),
        404,
        20404,
      );
      const other = await provisionTwilio(gateway);
      const theirs = await gateway.http.inject(createMessage(other, VALID));
      assert.equal(theirs.statusCode, 201, theirs.body);
      assertTwilioError(
        await gateway.http.inject({
          method: 'GET',
          url: `/2010-04-01/Accounts/${caller.accountSid}/Messages/${theirs.json().sid}.json`,
          headers: auth,
        }),
        404,
        20404,
      );
    });

    it('twilio credentials: the SID is AC + 32 hex and the token 32 hex; the token is never listed', async () => {
      const account = await gateway.http.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers: ADMIN_AUTH,
        payload: { name: 'sid rules', role: 'client' },
      });
      const { id } = account.json() as { id: string };
      const create = (payload: Record<string, string>) =>
        gateway.http.inject({
          method: 'POST',
          url: `/v1/accounts/${id}/credentials`,
          headers: ADMIN_AUTH,
          payload,
        });
      const badSid = await create({ kind: 'twilio', identifier: 'AC123' });
      assert.equal(badSid.statusCode, 400, badSid.body);
      assert.match(badSid.body, /not a Twilio account SID/);
      const badToken = await create({ kind: 'twilio', secret: 'not-hex-at-all-but-long' });
      assert.equal(badToken.statusCode, 400, badToken.body);
      const sid = freshAccountSid();
      const token = 'ab'.repeat(16);
      const chosen = await create({ kind: 'twilio', identifier: sid, secret: token });
      assert.equal(chosen.statusCode, 201, chosen.body);
      const listed = await gateway.http.inject({
        method: 'GET',
        url: `/v1/accounts/${id}/credentials`,
        headers: ADMIN_AUTH,
      });
      assert.equal(listed.statusCode, 200);
      assert.ok(!listed.body.includes(token), 'the auth token is not listed');
      const sent = await gateway.http.inject(createMessage({ accountSid: sid, authToken: token }, VALID));
      assert.equal(sent.statusCode, 201, sent.body);
    });
  },
  describe,
);
