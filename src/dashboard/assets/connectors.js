// Connectors (state, binds, window, throughput), the route table and the SMPP server's binds (admin).
import { api, badge, card, el, guarded, render, table } from './common.js';

const connectors = el('div', { id: 'connectors' });
const routes = el('div', { id: 'routes' });
const binds = el('div', { id: 'binds' });
render(connectors, routes, binds);

function detail(value) {
  if (value === undefined || value === null) return '';
  return el('pre', { class: 'mono' }, JSON.stringify(value, null, 1));
}

await guarded(connectors, async () => {
  const list = await api('/v1/connectors');
  connectors.replaceChildren(
    card(
      'Connectors',
      table(
        [
          ['name', (c) => c.name],
          ['type', (c) => c.type],
          ['state', (c) => badge(c.state)],
          ['in flight', (c) => c.inFlight],
          ['submitted', (c) => c.submitted],
          ['failed', (c) => c.failed],
          ['binds, window, throughput', (c) => detail(c.detail)],
        ],
        list.data,
      ),
    ),
  );
});

await guarded(routes, async () => {
  const table_ = await api('/v1/routes');
  routes.replaceChildren(
    card(
      `Routes (from ${table_.source === 'api' ? 'the API' : 'the config file'})`,
      table(
        [
          ['name', (r) => r.name ?? ''],
          ['prefix', (r) => r.prefix ?? '*'],
          [
            'criteria',
            (r) =>
              detail(
                r.match ??
                  Object.fromEntries(
                    Object.entries(r).filter(
                      ([k]) => !['name', 'prefix', 'connector', 'failover', 'weighted'].includes(k),
                    ),
                  ),
              ),
          ],
          ['action', (r) => detail(r.connector ?? r.failover ?? r.weighted ?? r)],
        ],
        table_.routes,
        'No routes: everything goes to the default connector.',
      ),
    ),
  );
});

await guarded(binds, async () => {
  const answer = await api('/v1/smpp/binds');
  binds.replaceChildren(
    card(
      `SMPP server binds (listening: ${JSON.stringify(answer.listening)})`,
      table([['bind', (b) => detail(b)]], answer.data, 'No SMPP clients bound.'),
    ),
  );
});
