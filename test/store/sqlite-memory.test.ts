import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildConfig } from '../../src/config/load-config.js';
import { openStore } from '../../src/store/open-store.js';

/** The SQLite page cache and memory map are what a million queued messages cost in resident memory. */
describe('SQLite memory settings', () => {
  async function pragmasOf(options: { sqliteCacheMiB?: number; sqliteMmapMiB?: number }) {
    const dataDir = mkdtempSync(join(tmpdir(), 'smsgate-sqlite-memory-'));
    const store = await openStore({ dataDir, ...options });
    try {
      return {
        cacheSize: store.sqlite!.pragma('cache_size', { simple: true }),
        mmapSize: store.sqlite!.pragma('mmap_size', { simple: true }),
      };
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('defaults to a 16 MiB page cache and no memory map, in the config and in the store', async () => {
    const config = buildConfig({});
    assert.equal(config.sqlite.cacheMiB, 16);
    assert.equal(config.sqlite.mmapMiB, 0);
    assert.deepEqual(await pragmasOf({}), { cacheSize: -16 * 1024, mmapSize: 0 });
  });

  it('applies the configured sizes', async () => {
    const config = buildConfig({ sqlite: { cacheMiB: 8, mmapMiB: 32 } });
    assert.deepEqual(
      await pragmasOf({ sqliteCacheMiB: config.sqlite.cacheMiB, sqliteMmapMiB: config.sqlite.mmapMiB }),
      { cacheSize: -8 * 1024, mmapSize: 32 * 1024 * 1024 },
    );
  });

  it('refuses a page cache of zero, naming the field', () => {
    assert.throws(() => buildConfig({ sqlite: { cacheMiB: 0 } }), /cacheMiB/);
  });
});
