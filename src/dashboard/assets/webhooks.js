// Webhook deliveries: the events outbox by state (dead letters first), each replayable with one
// click (POST /v1/events/:id/replay: the same event id, delivered again).
import { api, badge, card, el, errorLine, guarded, render, table, when } from './common.js';

const params = new URLSearchParams(window.location.search);
const state = params.get('state') ?? 'dead';

async function replay(event, button, row) {
  button.disabled = true;
  try {
    const answer = await api(`/v1/events/${encodeURIComponent(event.id)}/replay`, { method: 'POST' });
    row.querySelector('.state').replaceChildren(badge(answer.event.state));
    button.replaceWith(
      el('span', { class: 'ok replayed-note' }, answer.replayed > 0 ? 'replayed' : 'not replayable'),
    );
  } catch (error) {
    button.disabled = false;
    button.after(errorLine(error));
  }
}

async function show() {
  const list = el('div', { id: 'events' });
  const tabs = el(
    'div',
    { class: 'actions', id: 'states' },
    ['dead', 'pending', 'delivered', 'skipped'].map((s) =>
      el(
        'a',
        {
          href: `/dashboard/webhooks?state=${s}`,
          class: 'button',
          'aria-current': s === state ? 'page' : undefined,
        },
        s === 'dead' ? 'dead letters' : s,
      ),
    ),
  );
  const bulk = el('div', { class: 'actions', id: 'bulk-replay' });
  if (state === 'dead') {
    const button = el(
      'button',
      { type: 'button', class: 'secondary' },
      'Replay every dead letter of the last 24 hours',
    );
    button.addEventListener('click', async () => {
      if (!window.confirm('Replay every dead letter of the last 24 hours?')) return;
      button.disabled = true;
      try {
        const until = new Date();
        const since = new Date(until.getTime() - 24 * 3600_000);
        const answer = await api('/v1/events/replay', {
          method: 'POST',
          body: { since: since.toISOString(), until: until.toISOString(), state: 'dead' },
        });
        bulk.replaceChildren(el('p', { class: 'ok' }, `${answer.replayed} event(s) replayed.`));
      } catch (error) {
        button.disabled = false;
        bulk.append(errorLine(error));
      }
    });
    bulk.append(button);
  }
  render(tabs, bulk, list);
  await guarded(list, async () => {
    const query = new URLSearchParams({ state, limit: '100' });
    const page = await api(`/v1/events?${query}`);
    const rows = page.data.map((e) => {
      const row = el(
        'tr',
        { 'data-event': e.id },
        el('td', { class: 'mono' }, e.id),
        el('td', {}, e.type, e.status ? ` (${e.status})` : ''),
        el('td', { class: 'mono hide-narrow' }, e.messageId ?? e.inboundId ?? ''),
        el('td', { class: 'mono' }, e.url),
        el('td', { class: 'state' }, badge(e.state)),
        el('td', {}, e.attempts),
        el('td', { class: 'muted' }, e.lastError ?? ''),
        el('td', { class: 'hide-narrow' }, when(e.createdAt)),
        el('td', {}),
      );
      if (e.state !== 'pending') {
        const button = el('button', { type: 'button', class: 'secondary replay' }, 'Replay');
        button.addEventListener('click', () => void replay(e, button, row));
        row.lastChild.append(button);
      }
      return row;
    });
    list.replaceChildren(
      card(
        state === 'dead' ? 'Dead letters' : `Events: ${state}`,
        rows.length === 0
          ? el('p', { class: 'muted' }, 'None.')
          : el(
              'div',
              { class: 'table-wrap' },
              el(
                'table',
                {},
                el(
                  'thead',
                  {},
                  el(
                    'tr',
                    {},
                    ['event', 'type', 'message', 'url', 'state', 'attempts', 'last error', 'created', ''].map(
                      (h) => el('th', {}, h),
                    ),
                  ),
                ),
                el('tbody', {}, rows),
              ),
            ),
      ),
    );
  });
}

async function settings() {
  const box = card('Your webhook settings');
  document.getElementById('page').append(box);
  await guarded(box, async () => {
    const s = await api(
      `/v1/accounts/${encodeURIComponent(document.getElementById('who').dataset.account)}/webhooks`,
    );
    box.append(
      table(
        [
          ['', (r) => r[0]],
          ['', (r) => el('span', { class: 'mono' }, r[1] ?? '—')],
        ],
        [
          ['status URL', s.statusUrl],
          ['inbound URL', s.inboundUrl],
          ['inbound format', s.inboundFormat],
        ],
      ),
    );
  });
}

await show();
await settings();
