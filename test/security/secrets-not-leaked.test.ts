/**
 * Secrets never reach the logs or an error answer: API keys, every dialect's password or token,
 * the SMPP password, right or wrong, sent in headers, query strings and form bodies — captured
 * from the gateway's real pino logger at `trace`, the most it ever writes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import type { Gateway } from '../../src/gateway.js';
import { jasminGet } from '../api/dialects/jasmin-support.js';
import { sendsms } from '../api/dialects/kannel-support.js';
import { freshAccountSid, twilioAuth } from '../api/dialects/twilio-support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { ADMIN_AUTH, TEST_ADMIN_KEY } from '../helpers/gateway.js';
import { captureLogs, type LogLine } from '../helpers/log-capture.js';
import { call, connectForeign, smppPortOf, startSmppGateway } from '../smpp-server/smpp-server-kit.js';

await describeEachDatabase(
  'secrets in logs and error answers',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let lines: LogLine[];
    const answers: string[] = [];
    const secrets: string[] = [TEST_ADMIN_KEY];

    before(async () => {
      store = await db.open();
      const capture = captureLogs('trace');
      lines = capture.lines;
      gateway = await startSmppGateway(store, {}, capture.logger);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    /** Sends a request, keeping its answer to search for secrets. */
    const inject = async (options: InjectOptions) => {
      const response = await gateway.http.inject(options);
      answers.push(`${JSON.stringify(response.headers)}\n${response.body}`);
      return response;
    };

    it('right and wrong credentials of every kind leave no secret in logs or error bodies', async () => {
      const account = await inject({
        method: 'POST',
        url: '/v1/accounts',
        headers: ADMIN_AUTH,
        payload: { name: 'leaky?', role: 'client' },
      });
      assert.equal(account.statusCode, 201);
      const { id, apiKey } = account.json() as { id: string; apiKey: { key: string } };
      answers.pop(); // this answer hands the new key out, once, on purpose
      secrets.push(apiKey.key);
      const tag = randomBytes(3).toString('hex');
      const creds = {
        kannel: { identifier: `k${tag}`, secret: `kannel-secret-${tag}` },
        jasmin: { identifier: `j${tag}`, secret: `jasmin-secret-${tag}` },
        twilio: { identifier: freshAccountSid(), secret: randomBytes(16).toString('hex') },
        account_password: { identifier: `8${Date.now() % 1e9}`, secret: `accolades secret ${tag}` },
        smpp: { identifier: `s${tag}`, secret: `sm${tag}`.slice(0, 8) },
      };
      for (const [kind, { identifier, secret }] of Object.entries(creds)) {
        const created = await gateway.http.inject({
          method: 'POST',
          url: `/v1/accounts/${id}/credentials`,
          headers: ADMIN_AUTH,
          payload: { kind, identifier, secret },
        });
        assert.equal(created.statusCode, 201, created.body);
        secrets.push(secret);
      }
      const wrong = `wrong-${randomBytes(6).toString('hex')}`;
      secrets.push(wrong);
      const userKey = { authorization: `Bearer ${apiKey.key}` };
      const text = { to: '+447911123456', text: 'hello' };

      // Native: right key, wrong key, Basic with the key as password, a bad request with a good key.
      await inject({ method: 'POST', url: '/v1/messages', headers: userKey, payload: text });
      await inject({
        method: 'POST',
        url: '/v1/messages',
        headers: { authorization: `Bearer sk_${wrong}_0123456789abcdefghij` },
        payload: text,
      });
      await inject({
        method: 'GET',
        url: '/v1/messages',
        headers: { authorization: `Basic ${Buffer.from(`${id}:${wrong}`).toString('base64')}` },
      });
      await inject({
        method: 'POST',
        url: '/v1/messages',
        headers: userKey,
        payload: { to: 'nope', text: apiKey.key },
      });
      // Kannel and Jasmin: passwords in the query string, right and wrong.
      for (const password of [creds.kannel.secret, wrong]) {
        await inject(
          sendsms({ username: creds.kannel.identifier, password, to: '447911123456', text: 'hi' }),
        );
      }
      for (const password of [creds.jasmin.secret, wrong]) {
        await inject(
          jasminGet('/send', {
            username: creds.jasmin.identifier,
            password,
            to: '+447911123456',
            content: 'hi',
          }),
        );
      }
      // Twilio: Basic auth with the token, right and wrong.
      for (const token of [creds.twilio.secret, wrong]) {
        await inject({
          method: 'POST',
          url: `/2010-04-01/Accounts/${creds.twilio.identifier}/Messages.json`,
          headers: {
            ...twilioAuth(creds.twilio.identifier, token),
            'content-type': 'application/x-www-form-urlencoded',
          },
          payload: 'To=%2B447911123456&From=%2B447911000001&Body=hi',
        });
      }
      // Accolades: the password in a form body, right and wrong.
      for (const password of [creds.account_password.secret, wrong]) {
        await inject({
          method: 'POST',
          url: `/${creds.account_password.identifier}/sms/send`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ password, phoneNumber: '+447911123456', message: 'hi' }).toString(),
        });
      }
      // SMPP: a wrong bind, then a right one.
      for (const password of [wrong.slice(0, 8), creds.smpp.secret]) {
        const { session } = connectForeign(smppPortOf(gateway));
        await call(session, 'bind_transceiver', { system_id: creds.smpp.identifier, password });
        session.destroy();
      }

      // Let the last lines through the capture stream.
      await new Promise((resolve) => setImmediate(resolve));
      // The capture works: the HTTP side logs little (no request log), the SMPP binds are logged.
      const messages = lines.map((line) => line.msg);
      assert.ok(
        messages.includes('SMPP bind refused') && messages.includes('SMPP client bound'),
        messages.join(', '),
      );
      const logs = lines.map((line) => JSON.stringify(line)).join('\n');
      for (const secret of secrets) {
        assert.ok(!logs.includes(secret), `a secret (${secret.slice(0, 6)}…) is in the logs`);
        for (const answer of answers)
          assert.ok(
            !answer.includes(secret),
            `a secret (${secret.slice(0, 6)}…) in an answer: ${answer.slice(0, 300)}`,
          );
      }
    });
  },
  describe,
);
