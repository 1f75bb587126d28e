/**
 * Errors Fastify raises before routing (here a malformed URL: `%ff` is no UTF-8) are answered in
 * the shape of the dialect owning the path prefix. They used to be the native JSON everywhere, so
 * a ServiceStack or Kannel client got an error body it could not read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';

await describeEachDatabase(
  'framework errors in the dialect of the path',
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

    const post = (url: string) => gateway.http.inject({ method: 'POST', url });

    it('ServiceStack: a ResponseStatus in the format the path names', async () => {
      const jsv = await post('/jsv/reply/%ff');
      assert.equal(jsv.statusCode, 400);
      assert.match(String(jsv.headers['content-type']), /^application\/jsv/);
      assert.match(jsv.body, /^\{ResponseStatus:\{ErrorCode:InvalidRequest,/);
      const xml = await post('/xml/reply/SMSSend%ff');
      assert.match(String(xml.headers['content-type']), /^application\/xml/);
      assert.match(xml.body, /<ResponseStatus><ErrorCode>InvalidRequest<\/ErrorCode>/);
      const json = await post('/api/%ff');
      assert.equal(json.json().ResponseStatus.ErrorCode, 'InvalidRequest');
    });

    it('Twilio, Kannel and Jasmin’s REST API in their own words', async () => {
      const twilio = await post('/2010-04-01/Accounts/%ff/Messages.json');
      assert.equal(twilio.statusCode, 400);
      assert.deepEqual(Object.keys(twilio.json()).sort(), ['code', 'message', 'more_info', 'status']);
      const kannel = await post('/cgi-bin/sendsms%ff');
      assert.match(String(kannel.headers['content-type']), /^text\/plain/);
      assert.equal(kannel.body, 'The URL is malformed');
      const jasmin = await post('/secure/send%ff');
      assert.deepEqual(jasmin.json(), { message: 'The URL is malformed' });
    });

    it('the native shape under the root and /v1', async () => {
      for (const url of ['/v1/messages/%ff', '/%ff/sms/send']) {
        const response = await post(url);
        assert.equal(response.statusCode, 400);
        assert.deepEqual(response.json(), {
          error: { code: 'invalid_request', message: 'The URL is malformed' },
        });
      }
    });
  },
  describe,
);
