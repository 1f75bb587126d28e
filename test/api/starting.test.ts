// The port is bound before the gateway has finished starting (so a busy port fails before the
// admin account exists); until the start is done every request is told to come back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/core/logger.js';
import { Gateway } from '../../src/gateway.js';
import { countAccounts } from '../../src/store/queries/accounts.js';
import { TEST_DATABASES } from '../helpers/databases.js';
import { ADMIN_AUTH, TEST_ADMIN_KEY } from '../helpers/gateway.js';

describe('a gateway that has not finished starting', () => {
  it('answers 503 starting with Retry-After, creates the admin only in start, then serves', async () => {
    const store = await TEST_DATABASES[0]!.open();
    const gateway = await Gateway.create({
      config: buildConfig({ port: 0, logLevel: 'silent' }),
      store,
      adminKey: TEST_ADMIN_KEY,
      logger: createLogger('silent'),
    });
    try {
      assert.equal(await countAccounts(store), 0, 'nothing created before start');
      const early = await gateway.http.inject({ method: 'GET', url: '/v1/messages', headers: ADMIN_AUTH });
      assert.equal(early.statusCode, 503);
      assert.equal(early.headers['retry-after'], '1');
      assert.equal(early.json().error.code, 'starting');
      await gateway.start(false);
      assert.equal(await countAccounts(store), 1);
      assert.equal(
        (await gateway.http.inject({ method: 'GET', url: '/v1/messages', headers: ADMIN_AUTH })).statusCode,
        200,
      );
    } finally {
      await gateway.stop(false);
      await store.destroy();
    }
  });
});
