/**
 * Header injection through callback URLs: a CR/LF (raw or percent-encoded) in any kind of
 * callback URL must never become a header or a second request line on the wire. The gateway may
 * refuse such a URL (400 in the dialect) or use it with the line break neutralised; either way the
 * receiver sees no injected header.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';
import { FAST_WEBHOOKS } from '../helpers/scaled-timings.js';
import { accountOutboxSettled } from './account-outbox.js';
import { CALLBACK_KINDS } from './callback-kinds.js';

/** A receiver recording each request's path and headers; answers as every dialect's receiver
 * would acknowledge (Jasmin wants `ACK/Jasmin` in the body, the others a 2xx). */
async function startReceiver() {
  const requests: { path: string; headers: http.IncomingHttpHeaders }[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers });
      res.end('ACK/Jasmin');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

await describeEachDatabase(
  'header injection through callback URLs',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    before(async () => {
      store = await db.open();
      receiver = await startReceiver();
      // Loopback receivers allowed, so the URLs get as far as the wire.
      gateway = await startTestGateway(store, {
        config: { webhooks: { allowPrivateAddresses: true, ...FAST_WEBHOOKS } },
      });
    });
    after(async () => {
      await gateway.stop(false);
      await receiver.close();
      await store.destroy();
    });

    for (const kind of CALLBACK_KINDS) {
      it(`${kind.name}: CR/LF in the URL is refused or neutralised, never a header`, async () => {
        const sender = await kind.caller(gateway, store);
        const urls = [
          `${receiver.url('/cb')}\r\nX-Injected: raw`,
          `${receiver.url('/cb')}?a=1\r\nX-Injected: query\r\n\r\nGET /smuggled HTTP/1.1`,
          `${receiver.url('/cb')}%0d%0aX-Injected:%20encoded`,
          `${receiver.url('/cb')}?a=%0D%0AX-Injected:%20encoded-query`,
        ];
        let accepted = 0;
        for (const url of urls) {
          const response = await sender.send('+447911123456', url);
          assert.ok(response.statusCode < 500, `${kind.name}: ${response.statusCode} ${response.body}`);
          if (response.statusCode < 300) accepted++;
          else assert.equal(response.statusCode, 400, `${kind.name}: ${response.body}`);
        }
        if (accepted > 0) await accountOutboxSettled(store, sender.accountId);
        for (const request of receiver.requests) {
          assert.equal(request.headers['x-injected'], undefined, `${kind.name}: ${request.path}`);
          assert.doesNotMatch(
            request.path,
            /[\r\n]|^\/smuggled/,
            `${kind.name}: ${JSON.stringify(request.path)}`,
          );
        }
      });
    }
  },
  describe,
);
