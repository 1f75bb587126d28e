// Inbound messages (with the message each answers) and the opt-outs of the signed-in account.
import { api, card, el, errorLine, guarded, render, table, when, who } from './common.js';

const inbound = el('div', { id: 'inbound' });
const optOuts = el('div', { id: 'opt-outs' });
render(inbound, optOuts);

await guarded(inbound, async () => {
  const page = await api('/v1/inbound?limit=100');
  inbound.replaceChildren(
    card(
      'Inbound messages',
      table(
        [
          ['received', (m) => when(m.receivedAt)],
          ['from', (m) => m.from],
          ['to', (m) => m.to],
          ['text', (m) => m.text],
          ['keyword', (m) => m.keyword ?? ''],
          [
            'in reply to',
            (m) =>
              m.inReplyTo
                ? el(
                    'a',
                    { class: 'mono', href: `/dashboard/messages?message=${encodeURIComponent(m.inReplyTo)}` },
                    m.inReplyTo,
                  )
                : '',
          ],
          ['account', (m) => el('span', { class: 'mono' }, m.accountId ?? '(none)')],
        ],
        page.data,
        'No inbound messages.',
      ),
    ),
  );
});

async function showOptOuts() {
  await guarded(optOuts, async () => {
    const list = await api(`/v1/opt-outs?accountId=${encodeURIComponent(who.accountId)}`);
    const number = el('input', { id: 'opt-out-number', placeholder: '+447911123456' });
    const note = el('div', {});
    const add = el('button', { type: 'submit', id: 'add-opt-out' }, 'Add opt-out');
    const form = el(
      'form',
      {
        class: 'form-row',
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            await api('/v1/opt-outs', { method: 'POST', body: { number: number.value.trim() } });
            await showOptOuts();
          } catch (error) {
            note.replaceChildren(errorLine(error));
          }
        },
      },
      number,
      add,
    );
    const remove = async (o) => {
      try {
        await api(`/v1/opt-outs/${encodeURIComponent(o.number)}`, { method: 'DELETE' });
        await showOptOuts();
      } catch (error) {
        note.replaceChildren(errorLine(error));
      }
    };
    optOuts.replaceChildren(
      card(
        'Opt-outs',
        table(
          [
            ['number', (o) => o.number],
            ['source', (o) => o.source],
            ['since', (o) => when(o.createdAt)],
            [
              '',
              (o) =>
                el('button', { type: 'button', class: 'secondary', onclick: () => void remove(o) }, 'Remove'),
            ],
          ],
          list.data,
          'Nobody opted out.',
        ),
        form,
        note,
      ),
    );
  });
}

await showOptOuts();
