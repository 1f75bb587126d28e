// The composer: a live encoding and segment counter from POST /v1/messages/preview (the same
// logic the gateway sends with), and the send itself through POST /v1/messages.
import { api, card, el, errorLine, fill, render } from './common.js';

const to = el('input', {
  id: 'to',
  name: 'to',
  placeholder: '+447911123456',
  required: true,
  autocomplete: 'off',
});
const from = el('input', { id: 'from', name: 'from', placeholder: 'optional sender id' });
const clientRef = el('input', { id: 'clientRef', name: 'clientRef', placeholder: 'optional' });
const text = el('textarea', { id: 'text', name: 'text', required: true });
const counter = el(
  'div',
  { class: 'counter', id: 'counter', 'aria-live': 'polite' },
  el('span', { class: 'muted' }, 'Type a message to see its encoding and segments.'),
);
const segments = el('div', { id: 'segments' });
const result = el('div', { id: 'result' });
const submit = el('button', { type: 'submit', id: 'send' }, 'Send');

let previewSeq = 0;
async function preview() {
  const seq = ++previewSeq;
  if (text.value === '') {
    counter.replaceChildren(
      el('span', { class: 'muted' }, 'Type a message to see its encoding and segments.'),
    );
    segments.replaceChildren();
    return;
  }
  try {
    const p = await api('/v1/messages/preview', { method: 'POST', body: { text: text.value } });
    if (seq !== previewSeq) return; // a later keystroke's answer wins
    fill(
      counter,
      el('span', {}, 'encoding ', el('strong', { id: 'encoding' }, p.encoding)),
      el('span', {}, 'characters ', el('strong', {}, p.characters)),
      el('span', {}, 'segments ', el('strong', { id: 'segment-count' }, p.segments)),
      el('span', {}, 'left in this segment ', el('strong', {}, p.remainingInSegment)),
      p.nonGsmCharacters.length > 0
        ? el('span', { class: 'error' }, `UCS-2 because of: ${p.nonGsmCharacters.join(' ')}`)
        : null,
    );
    segments.replaceChildren(
      ...(p.segments > 1 ? p.parts.map((part) => el('div', { class: 'segment' }, part)) : []),
    );
  } catch (error) {
    if (seq === previewSeq) counter.replaceChildren(errorLine(error));
  }
}

let timer;
text.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(() => void preview(), 150);
});

async function send(event) {
  event.preventDefault();
  submit.disabled = true;
  result.replaceChildren();
  const body = { to: to.value.trim(), text: text.value };
  if (from.value.trim()) body.from = from.value.trim();
  if (clientRef.value.trim()) body.clientRef = clientRef.value.trim();
  try {
    const answer = await api('/v1/messages', { method: 'POST', body });
    const m = answer.messages[0];
    result.replaceChildren(
      el(
        'p',
        { class: 'ok' },
        `Accepted: ${m.status}, ${m.encoding}, ${m.segments} segment(s). `,
        el('a', { href: `/dashboard/messages?message=${encodeURIComponent(m.id)}`, id: 'sent-link' }, m.id),
      ),
    );
  } catch (error) {
    result.replaceChildren(errorLine(error.field ? `${error.field}: ${error.message}` : error));
  } finally {
    submit.disabled = false;
  }
}

render(
  el(
    'form',
    { class: 'card', id: 'composer', onsubmit: send },
    el(
      'div',
      { class: 'form-row' },
      el('div', {}, el('label', { for: 'to' }, 'To'), to),
      el('div', {}, el('label', { for: 'from' }, 'From'), from),
      el('div', {}, el('label', { for: 'clientRef' }, 'Client ref'), clientRef),
    ),
    el('label', { for: 'text' }, 'Text'),
    text,
    counter,
    segments,
    el('div', { class: 'actions' }, submit),
    result,
  ),
  card(
    null,
    el(
      'p',
      { class: 'muted' },
      'Numbers are E.164 (+ and country code). Sends go through the same checks as the API: limits, sender ids, opt-outs.',
    ),
  ),
);
