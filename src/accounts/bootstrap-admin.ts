import { newId } from '../core/ids.js';
import type { Store } from '../store/open-store.js';
import { countAccounts, insertAccount, insertApiKey } from '../store/queries/accounts.js';
import { apiKeyPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-keys.js';

export interface BootstrapResult {
  accountId: string;
  /** The key, when it was generated here (to print once); undefined when it came from the environment. */
  generatedKey: string | undefined;
}

/**
 * On an empty database, creates the `admin` account with one API key: `SMSGATE_ADMIN_KEY` when set
 * (it must look like `sk_<10 letters or digits>_<20+ characters>`), otherwise a new random key that
 * the caller prints once. Does nothing when any account exists.
 */
export async function bootstrapAdmin(
  store: Store,
  adminKey: string | undefined,
): Promise<BootstrapResult | undefined> {
  if ((await countAccounts(store)) > 0) return undefined;
  if (adminKey !== undefined && !isWellFormedApiKey(adminKey)) {
    throw new Error(
      'SMSGATE_ADMIN_KEY must look like sk_<10 letters or digits>_<at least 20 characters of A-Z a-z 0-9 _ ->',
    );
  }
  const now = Date.now();
  const accountId = 'admin';
  await insertAccount(store, {
    id: accountId,
    name: 'Administrator',
    role: 'admin',
    tenant_id: null,
    created_at: now,
    disabled_at: null,
  });
  const generated = adminKey === undefined ? generateApiKey() : undefined;
  const key = adminKey ?? generated!.key;
  await insertApiKey(store, {
    id: newId('key'),
    account_id: accountId,
    prefix: apiKeyPrefix(key)!,
    hash: hashApiKey(key),
    name: 'bootstrap admin key',
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  });
  return { accountId, generatedKey: generated?.key };
}
