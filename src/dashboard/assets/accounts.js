// Accounts, API keys and dialect credentials, as far as the permission matrix lets this key see
// them (GET /v1/accounts lists exactly those); creating and revoking keys goes through the API.
import { api, badge, card, el, errorLine, guarded, render, table, when, who } from './common.js';

const params = new URLSearchParams(window.location.search);
const selected = params.get('account') ?? who.accountId;

const accounts = el('div', { id: 'accounts' });
const keys = el('div', { id: 'keys' });
const credentials = el('div', { id: 'credentials' });
const tenants = el('div', { id: 'tenants' });
render(accounts, keys, credentials, tenants);

await guarded(accounts, async () => {
  const list = await api('/v1/accounts');
  accounts.replaceChildren(
    card(
      'Accounts',
      table(
        [
          [
            'name',
            (a) => el('a', { href: `/dashboard/accounts?account=${encodeURIComponent(a.id)}` }, a.name),
          ],
          ['id', (a) => el('span', { class: 'mono' }, a.id)],
          ['role', (a) => a.role],
          ['tenant', (a) => el('span', { class: 'mono' }, a.tenantId ?? '—')],
          ['state', (a) => badge(a.disabled ? 'disabled' : a.suspended ? 'suspended' : 'active')],
          ['balance', (a) => a.balance ?? '—'],
        ],
        list.data,
      ),
    ),
  );
});

async function showKeys() {
  await guarded(keys, async () => {
    const list = await api(`/v1/accounts/${encodeURIComponent(selected)}/keys`);
    const created = el('div', { id: 'new-key' });
    const name = el('input', { id: 'key-name', placeholder: 'name, e.g. CI' });
    const create = el('button', { type: 'button', id: 'create-key' }, 'Create key');
    create.addEventListener('click', async () => {
      try {
        const key = await api(`/v1/accounts/${encodeURIComponent(selected)}/keys`, {
          method: 'POST',
          body: name.value.trim() ? { name: name.value.trim() } : {},
        });
        await showKeys();
        keys
          .querySelector('#new-key')
          .replaceChildren(
            el('p', {}, 'The new key, shown only now:'),
            el('div', { class: 'secret mono' }, key.key),
          );
      } catch (error) {
        created.replaceChildren(errorLine(error));
      }
    });
    const rows = list.data.map((k) => ({ ...k }));
    keys.replaceChildren(
      card(
        `API keys of ${selected}`,
        table(
          [
            ['prefix', (k) => el('span', { class: 'mono' }, k.prefix)],
            ['name', (k) => k.name ?? ''],
            ['created', (k) => when(k.createdAt)],
            ['last used', (k) => when(k.lastUsedAt)],
            [
              '',
              (k) =>
                k.revokedAt
                  ? badge('revoked')
                  : el(
                      'button',
                      {
                        type: 'button',
                        class: 'secondary',
                        onclick: async () => {
                          if (!window.confirm(`Revoke key ${k.prefix}?`)) return;
                          await api(
                            `/v1/accounts/${encodeURIComponent(selected)}/keys/${encodeURIComponent(k.id)}`,
                            { method: 'DELETE' },
                          );
                          await showKeys();
                        },
                      },
                      'Revoke',
                    ),
            ],
          ],
          rows,
        ),
        el('div', { class: 'form-row' }, name, create),
        created,
      ),
    );
  });
}

await showKeys();

const KINDS = ['account_password', 'application_key', 'smpp', 'kannel', 'jasmin', 'twilio'];

async function showCredentials(created) {
  await guarded(credentials, async () => {
    const list = await api(`/v1/accounts/${encodeURIComponent(selected)}/credentials`);
    const kind = el(
      'select',
      { id: 'credential-kind' },
      KINDS.map((k) => el('option', { value: k }, k)),
    );
    const note = el('div', { id: 'new-credential' });
    if (created) {
      note.append(
        el(
          'p',
          {},
          `New ${created.kind} credential: identifier `,
          el('span', { class: 'mono' }, created.identifier),
          ', secret (shown only now):',
        ),
        el('div', { class: 'secret mono' }, created.secret),
      );
    }
    const create = el('button', { type: 'button', id: 'create-credential' }, 'Create credential');
    create.addEventListener('click', async () => {
      try {
        const answer = await api(`/v1/accounts/${encodeURIComponent(selected)}/credentials`, {
          method: 'POST',
          body: { kind: kind.value },
        });
        await showCredentials(answer);
      } catch (error) {
        note.replaceChildren(errorLine(error));
      }
    });
    const revoke = async (c) => {
      if (!window.confirm(`Revoke the ${c.kind} credential ${c.identifier}?`)) return;
      try {
        await api(`/v1/accounts/${encodeURIComponent(selected)}/credentials/${encodeURIComponent(c.id)}`, {
          method: 'DELETE',
        });
        await showCredentials();
      } catch (error) {
        note.replaceChildren(errorLine(error));
      }
    };
    credentials.replaceChildren(
      card(
        'Dialect credentials',
        table(
          [
            ['kind', (c) => c.kind],
            ['identifier', (c) => el('span', { class: 'mono' }, c.identifier)],
            ['environment', (c) => c.environment ?? ''],
            ['created', (c) => when(c.createdAt)],
            [
              '',
              (c) =>
                c.revokedAt
                  ? badge('revoked')
                  : el(
                      'button',
                      { type: 'button', class: 'secondary', onclick: () => void revoke(c) },
                      'Revoke',
                    ),
            ],
          ],
          list.data,
          'No dialect credentials.',
        ),
        el('div', { class: 'form-row' }, kind, create),
        note,
      ),
    );
  });
}

await showCredentials();

if (who.role !== 'client') {
  const name = el('input', { id: 'account-name', placeholder: 'name' });
  const role = el(
    'select',
    { id: 'account-role' },
    (who.role === 'admin' ? ['client', 'partner', 'admin'] : ['client']).map((r) =>
      el('option', { value: r }, r),
    ),
  );
  const tenant = el('input', {
    id: 'account-tenant',
    placeholder: who.role === 'admin' ? 'tenant id (optional)' : 'tenant id',
  });
  const note = el('div', { id: 'new-account' });
  const create = el('button', { type: 'submit' }, 'Create account');
  const form = el(
    'form',
    {
      class: 'card',
      onsubmit: async (event) => {
        event.preventDefault();
        const body = { name: name.value.trim(), role: role.value };
        if (tenant.value.trim()) body.tenantId = tenant.value.trim();
        try {
          const account = await api('/v1/accounts', { method: 'POST', body });
          note.replaceChildren(
            el(
              'p',
              { class: 'ok' },
              'Created ',
              el('a', { href: `/dashboard/accounts?account=${encodeURIComponent(account.id)}` }, account.id),
              '. Its first API key, shown only now:',
            ),
            el('div', { class: 'secret mono' }, account.apiKey.key),
          );
        } catch (error) {
          note.replaceChildren(errorLine(error.field ? `${error.field}: ${error.message}` : error));
        }
      },
    },
    el('h2', {}, 'New account'),
    el('div', { class: 'form-row' }, name, role, tenant, create),
    note,
  );
  accounts.after(form);

  await guarded(tenants, async () => {
    const list = await api('/v1/tenants');
    tenants.replaceChildren(
      card(
        'Tenants',
        table(
          [
            ['name', (t) => t.name],
            ['id', (t) => el('span', { class: 'mono' }, t.id)],
            ['partner', (t) => el('span', { class: 'mono' }, t.partnerAccountId ?? '—')],
          ],
          list.data,
        ),
      ),
    );
  });
}
