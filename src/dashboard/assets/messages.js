// Messages: search by id, number, status, time, clientRef or a dialect ref (commId, campaign …),
// and one message's timeline: every transition with its raw upstream code, its parts, its refs.
import { api, badge, card, el, errorLine, fill, guarded, render, table, when } from './common.js';

const STATUSES = [
  '',
  'queued',
  'scheduled',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'expired',
  'rejected',
  'failed',
  'canceled',
];

function field(label, input) {
  return el('div', {}, el('label', { for: input.id }, label), input);
}

function searchForm(params) {
  const input = (name, placeholder, type = 'text') =>
    el('input', { id: `q-${name}`, name, type, placeholder, value: params.get(name) ?? '' });
  const status = el(
    'select',
    { id: 'q-status', name: 'status' },
    STATUSES.map((s) => el('option', { value: s, selected: params.get('status') === s }, s || 'any')),
  );
  return el(
    'form',
    { class: 'card', id: 'search', method: 'get', action: '/dashboard/messages' },
    el(
      'div',
      { class: 'form-row' },
      field('Message id', input('id', 'msg_…')),
      field('To (number)', input('to', '+447911123456')),
      field('Status', status),
      field('Client ref', input('clientRef', '')),
      field('Ref (name:value)', input('ref', 'commId:… or campaignId:…')),
      field('Since', input('since', '', 'datetime-local')),
      field('Until', input('until', '', 'datetime-local')),
    ),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Search')),
  );
}

function toIso(local) {
  return local ? new Date(local).toISOString() : undefined;
}

async function showList(params) {
  const results = el('div', { id: 'results' });
  render(searchForm(params), results);
  await guarded(results, async () => {
    const id = params.get('id');
    if (id) {
      window.location.assign(`/dashboard/messages?message=${encodeURIComponent(id.trim())}`);
      return;
    }
    const query = new URLSearchParams({ limit: '50' });
    for (const name of ['to', 'status', 'clientRef', 'ref', 'cursor']) {
      const value = params.get(name);
      if (value) query.set(name, value);
    }
    for (const name of ['since', 'until']) {
      const value = toIso(params.get(name));
      if (value) query.set(name, value);
    }
    const page = await api(`/v1/messages?${query}`);
    const next = new URLSearchParams(params);
    if (page.nextCursor) next.set('cursor', page.nextCursor);
    results.replaceChildren(
      card(
        'Messages',
        table(
          [
            [
              'id',
              (m) =>
                el(
                  'a',
                  { href: `/dashboard/messages?message=${encodeURIComponent(m.id)}`, class: 'mono' },
                  m.id,
                ),
            ],
            ['to', (m) => m.to],
            ['status', (m) => badge(m.status)],
            ['text', (m) => (m.text.length > 40 ? `${m.text.slice(0, 40)}…` : m.text)],
            ['client ref', (m) => m.clientRef ?? ''],
            ['created', (m) => when(m.createdAt)],
          ],
          page.data,
          'No messages match.',
        ),
        page.nextCursor ? el('a', { href: `/dashboard/messages?${next}` }, 'Older →') : null,
      ),
    );
  });
}

async function showMessage(id) {
  const target = el('div', { id: 'message' });
  render(el('p', {}, el('a', { href: '/dashboard/messages' }, '← all messages')), target);
  await guarded(target, async () => {
    const m = await api(`/v1/messages/${encodeURIComponent(id)}`);
    const facts = [
      ['id', m.id],
      ['to', m.to],
      ['from', m.from ?? '—'],
      ['status', badge(m.status)],
      ['encoding / segments', `${m.encoding} / ${m.segments}`],
      ['connector / route', `${m.connector ?? '—'} / ${m.route ?? '—'}`],
      ['attempts', m.attempts],
      ['client ref', m.clientRef ?? '—'],
      ['last code', m.lastCode ?? '—'],
    ];
    const refs = Object.entries(m.refs ?? {});
    fill(
      target,
      card(
        'Message',
        el(
          'dl',
          { class: 'form-row', id: 'facts' },
          facts.map(([k, v]) =>
            el('div', {}, el('dt', { class: 'muted' }, k), el('dd', { class: 'mono' }, v)),
          ),
        ),
        el('p', { class: 'segment' }, m.text),
      ),
      card(
        'Timeline',
        el(
          'ol',
          { class: 'timeline', id: 'timeline' },
          (m.history ?? []).map((h) =>
            el(
              'li',
              { 'data-status': h.status },
              badge(h.status),
              ' ',
              el('span', { class: 'muted' }, when(h.at)),
              h.code ? el('div', { class: 'mono' }, `code: ${h.code}`) : null,
              h.detail ? el('div', { class: 'muted' }, h.detail) : null,
            ),
          ),
        ),
      ),
      card(
        'Parts',
        table(
          [
            ['#', (p) => p.index],
            ['connector', (p) => p.connector ?? ''],
            ['upstream id', (p) => el('span', { class: 'mono' }, p.upstreamId ?? '')],
            ['status', (p) => badge(p.status)],
            ['code', (p) => p.code ?? ''],
          ],
          m.parts ?? [],
          'Not submitted yet.',
        ),
      ),
      refs.length > 0
        ? card(
            'Refs (what the sending API knows it by)',
            table(
              [
                ['name', (r) => r[0]],
                ['value', (r) => el('span', { class: 'mono' }, r[1])],
              ],
              refs,
            ),
          )
        : null,
    );
    if (!['delivered', 'undelivered', 'expired', 'rejected', 'failed', 'canceled'].includes(m.status)) {
      setTimeout(() => void showMessage(id), 1000);
    }
  });
}

const params = new URLSearchParams(window.location.search);
const message = params.get('message');
try {
  await (message ? showMessage(message) : showList(params));
} catch (error) {
  render(errorLine(error));
}
