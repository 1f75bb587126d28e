// CSV upload: the page reads the file, fills the template per row ({{column}}), and sends it in
// chunks to /dashboard/api/uploads/rows with a progress bar. Each row's idempotency key is the
// file's digest and row number, so uploading the same file again sends nothing twice.
import { api, card, el, errorLine, render } from './common.js';

const CHUNK = 100;

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF; returns rows of fields. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/** The file's digest: SHA-256 where the browser offers it (HTTPS, localhost), else FNV-1a 64. */
async function digest(bytes) {
  if (globalThis.crypto?.subtle) {
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return `sha256:${[...hash].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
  let h = 0xcbf29ce484222325n;
  for (const b of new Uint8Array(bytes)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return `fnv1a64:${h.toString(16).padStart(16, '0')}`;
}

const file = el('input', { type: 'file', id: 'csv', accept: '.csv,text/csv' });
const template = el('textarea', {
  id: 'template',
  placeholder: 'Hi {{name}}, … (leave empty to use a "text" column)',
});
const start = el('button', { type: 'submit', id: 'start' }, 'Send');
const progress = el('progress', { id: 'progress', max: 1, value: 0 });
const summary = el(
  'p',
  { id: 'summary', class: 'muted' },
  'Columns: "to" (required), "text" or a template, optional "from" and "clientRef"; any column is a {{placeholder}}.',
);
const errors = el('div', { id: 'errors' });

function messageOf(header, fields) {
  const value = (name) => {
    const i = header.indexOf(name);
    return i < 0 ? undefined : fields[i];
  };
  const text = template.value
    ? template.value.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_, name) => value(name) ?? '')
    : (value('text') ?? '');
  const message = { to: (value('to') ?? '').trim(), text };
  if (value('from')) message.from = value('from');
  if (value('clientRef')) message.clientRef = value('clientRef');
  return message;
}

async function send(event) {
  event.preventDefault();
  const chosen = file.files?.[0];
  if (!chosen) {
    summary.replaceChildren(errorLine('Choose a CSV file first.'));
    return;
  }
  start.disabled = true;
  errors.replaceChildren();
  try {
    const bytes = await chosen.arrayBuffer();
    const fileHash = await digest(bytes);
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
    if (!header?.includes('to')) throw new Error('The first line must name the columns, one of them "to".');
    if (!template.value && !header.includes('text')) throw new Error('Give a template, or a "text" column.');
    const counts = { accepted: 0, replayed: 0, error: 0 };
    progress.max = rows.length;
    progress.value = 0;
    const started = Date.now();
    for (let from = 0; from < rows.length; from += CHUNK) {
      const chunk = rows
        .slice(from, from + CHUNK)
        .map((fields, i) => ({ row: from + i + 1, message: messageOf(header, fields) }));
      const answer = await api('/uploads/rows', { method: 'POST', body: { fileHash, rows: chunk } });
      for (const result of answer.results) {
        counts[result.status] += 1;
        if (result.status === 'error') {
          errors.append(
            el(
              'div',
              { class: 'error' },
              `row ${result.row}: ${result.error.field ? `${result.error.field}: ` : ''}${result.error.message}`,
            ),
          );
        }
      }
      progress.value = Math.min(rows.length, from + CHUNK);
      const rate = progress.value / Math.max(0.001, (Date.now() - started) / 1000);
      summary.replaceChildren(
        `${progress.value} of ${rows.length} rows · ${counts.accepted} sent · ${counts.replayed} already sent before · ${counts.error} refused · ${rate.toFixed(0)} rows/s`,
      );
    }
    summary.append(el('strong', { id: 'done' }, ' · done'));
  } catch (error) {
    summary.replaceChildren(errorLine(error));
  } finally {
    start.disabled = false;
  }
}

render(
  el(
    'form',
    { class: 'card', id: 'upload', onsubmit: send },
    el('label', { for: 'csv' }, 'CSV file'),
    file,
    el('label', { for: 'template' }, 'Template'),
    template,
    el('div', { class: 'actions' }, start),
  ),
  card('Progress', progress, summary, errors),
);
