// Campaigns: the account's templates (Interact API), with their placeholders.
import { api, card, el, guarded, render, table, when } from './common.js';

const list = el('div', { id: 'campaigns' });
render(list);
await guarded(list, async () => {
  const page = await api('/v1/campaigns');
  list.replaceChildren(
    card(
      'Campaigns',
      table(
        [
          ['name', (c) => c.name],
          ['id', (c) => el('span', { class: 'mono' }, c.id)],
          ['text', (c) => c.text],
          ['placeholders', (c) => (c.placeholders ?? []).join(', ')],
          ['from', (c) => c.from ?? ''],
          [
            'messages',
            (c) =>
              el(
                'a',
                { href: `/dashboard/messages?ref=${encodeURIComponent(`campaignId:${c.id}`)}` },
                'search',
              ),
          ],
          ['updated', (c) => when(c.updatedAt)],
        ],
        page.data,
        'No campaigns.',
      ),
    ),
  );
});
