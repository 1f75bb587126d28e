// The CSV upload's chunk route through the real server and store: each row is a send with the
// idempotency key of its file and row, so the same chunk again sends nothing; bad rows are
// reported one by one while the others go; malformed chunks are a 400 that names the field.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Gateway } from '../../src/gateway.js';
import { countStoredMessages } from '../api/support.js';
import { describeEachDatabase, type TestStore } from '../helpers/databases.js';
import { startTestGateway } from '../helpers/gateway.js';
import { createApiAccount, dashboardApi, type SignedIn, signIn } from './support.js';

interface RowResult {
  row: number;
  status: string;
  messageId?: string;
  error?: { code: string; field?: string };
}

await describeEachDatabase(
  'dashboard CSV upload',
  (db) => {
    let store: TestStore;
    let gateway: Gateway;
    let session: SignedIn;
    before(async () => {
      store = await db.open();
      gateway = await startTestGateway(store);
      session = await signIn(gateway, (await createApiAccount(gateway, { name: 'bulk sender' })).key);
    });
    after(async () => {
      await gateway.stop(false);
      await store.destroy();
    });

    const fileHash = `sha256:${'1f'.repeat(32)}`;
    const rows = [
      { row: 1, message: { to: '+447911123456', text: 'Hi Ann' } },
      { row: 2, message: { to: 'not a number', text: 'Hi Bob' } },
      { row: 3, message: { to: '+447911123457', text: 'Hi Cy' } },
    ];

    it('sends each good row, reports each bad one, and sends nothing twice on a second upload', async () => {
      const before = await countStoredMessages(store);
      const first = await dashboardApi(gateway, session, 'POST', '/dashboard/api/uploads/rows', {
        fileHash,
        rows,
      });
      assert.equal(first.statusCode, 200, first.body);
      const results = first.json().results as RowResult[];
      assert.deepEqual(
        results.map((r) => [r.row, r.status]),
        [
          [1, 'accepted'],
          [2, 'error'],
          [3, 'accepted'],
        ],
      );
      assert.equal(results[1]!.error?.field, 'to');
      assert.equal(await countStoredMessages(store), before + 2);

      const again = await dashboardApi(gateway, session, 'POST', '/dashboard/api/uploads/rows', {
        fileHash,
        rows,
      });
      const second = again.json().results as RowResult[];
      assert.deepEqual(
        second.map((r) => [r.row, r.status]),
        [
          [1, 'replayed'],
          [2, 'error'],
          [3, 'replayed'],
        ],
      );
      assert.equal(second[0]!.messageId, results[0]!.messageId, 'the first send answers the replay');
      assert.equal(await countStoredMessages(store), before + 2, 'nothing sent twice');

      // Another file (another digest) is another set of keys: its rows are sent.
      const other = await dashboardApi(gateway, session, 'POST', '/dashboard/api/uploads/rows', {
        fileHash: `sha256:${'2e'.repeat(32)}`,
        rows: [rows[0]],
      });
      assert.equal((other.json().results as RowResult[])[0]!.status, 'accepted');
      assert.equal(await countStoredMessages(store), before + 3);
    });

    it('the same file and row with another text is refused, not sent', async () => {
      const changed = await dashboardApi(gateway, session, 'POST', '/dashboard/api/uploads/rows', {
        fileHash,
        rows: [{ row: 1, message: { to: '+447911123456', text: 'a different text' } }],
      });
      const [result] = changed.json().results as RowResult[];
      assert.equal(result!.status, 'error');
      assert.equal(result!.error?.code, 'idempotency_key_reused');
    });

    it('refuses malformed chunks with a 400 naming the field', async () => {
      for (const [body, field] of [
        [{ fileHash: 'md5:abc', rows }, 'fileHash'],
        [{ fileHash, rows: [] }, 'rows'],
        [{ fileHash, rows: Array.from({ length: 101 }, (_, i) => ({ row: i + 1, message: {} })) }, 'rows'],
        [{ fileHash, rows: [{ row: 0, message: {} }] }, 'rows[0].row'],
      ] as const) {
        const response = await dashboardApi(gateway, session, 'POST', '/dashboard/api/uploads/rows', body);
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(response.json().error.field, field, response.body);
      }
    });
  },
  describe,
);
