// The overview: messages per minute (last hour) by status as an inline SVG chart, queue depth,
// delivery rate, connectors and webhook backlog, refreshed by server-sent events.
import { badge, card, el, render, table } from './common.js';

const STATUS_COLOURS = {
  delivered: '#1b7f3b',
  sent: '#5b8def',
  sending: '#9db8f5',
  queued: '#f0b429',
  scheduled: '#c9a0dc',
  undelivered: '#e57373',
  failed: '#c62828',
  rejected: '#8e0000',
  expired: '#a1887f',
  canceled: '#9e9e9e',
};
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/**
 * A stacked bar per minute; the y axis scales to the busiest minute. The SVG stretches to its box
 * (so it fits any screen); its labels are HTML beside it, so they do not stretch with it.
 */
function chart(perMinute) {
  const width = 600;
  const height = 160;
  const totals = perMinute.map((m) => Object.values(m.counts).reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const barWidth = width / perMinute.length;
  const root = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': 'Messages per minute over the last hour, by status',
  });
  root.append(svg('line', { x1: 0, y1: height, x2: width, y2: height, stroke: '#bbb' }));
  perMinute.forEach((minute, i) => {
    let y = height;
    for (const status of Object.keys(STATUS_COLOURS)) {
      const n = minute.counts[status] ?? 0;
      if (n === 0) continue;
      const h = (n / max) * (height - 4);
      y -= h;
      const rect = svg('rect', {
        x: i * barWidth + 1,
        y,
        width: Math.max(1, barWidth - 2),
        height: h,
        fill: STATUS_COLOURS[status],
        'data-status': status,
      });
      const title = svg('title', {});
      title.textContent = `${new Date(minute.minute).toLocaleTimeString()}: ${n} ${status}`;
      rect.append(title);
      root.append(rect);
    }
  });
  const time = (i) =>
    new Date(perMinute[i].minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return el(
    'div',
    { class: 'chart-box' },
    el('div', { class: 'chart-max muted' }, `max ${max}/min`),
    root,
    el(
      'div',
      { class: 'chart-axis muted' },
      el('span', {}, time(0)),
      el('span', {}, time(30)),
      el('span', {}, time(59)),
    ),
  );
}

function stat(label, value, id) {
  return el(
    'div',
    { class: 'card stat', id },
    el('div', { class: 'value' }, value),
    el('div', { class: 'label' }, label),
  );
}

function show(overview) {
  const rate = overview.deliveryRate === null ? '—' : `${Math.round(overview.deliveryRate * 1000) / 10} %`;
  const legend = el(
    'div',
    { class: 'legend' },
    Object.entries(STATUS_COLOURS).map(([status, colour]) => {
      const swatch = el('span', {}, status);
      // A style property, not a style attribute: the page's CSP allows no inline styles.
      swatch.style.setProperty('--swatch', colour);
      return swatch;
    }),
  );
  const stats = [
    stat('messages in the last hour', overview.lastHourTotal, 'stat-total'),
    stat('delivery rate (final, last hour)', rate, 'stat-rate'),
    stat('webhook events waiting', overview.webhooks.pending, 'stat-webhooks'),
    stat('dead letters', overview.webhooks.dead, 'stat-dead'),
  ];
  if (overview.queue) stats.splice(2, 0, stat('queue depth (unsent)', overview.queue.unsent, 'stat-queue'));
  render(
    el('div', { class: 'grid' }, stats),
    card(
      `Messages per minute, last hour (${overview.scope === 'all' ? 'all accounts' : 'this account'})`,
      el('div', { class: 'chart', id: 'chart' }, chart(overview.perMinute)),
      legend,
    ),
    overview.connectors
      ? card(
          'Connectors',
          table(
            [
              ['name', (c) => c.name],
              ['type', (c) => c.type],
              ['state', (c) => badge(c.state)],
              ['in flight', (c) => c.inFlight],
            ],
            overview.connectors,
          ),
        )
      : null,
    el(
      'p',
      { class: 'muted', id: 'updated' },
      `Updated ${new Date(overview.at).toLocaleTimeString()} · live`,
    ),
  );
}

const stream = new EventSource('/dashboard/api/overview/stream');
stream.addEventListener('overview', (event) => show(JSON.parse(event.data)));
stream.addEventListener('signed-out', () => {
  stream.close();
  window.location.assign('/dashboard/login');
});
