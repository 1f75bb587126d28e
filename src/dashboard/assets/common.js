// Shared by every dashboard page: the API call with the session's CSRF token, and DOM helpers that
// only ever set text (never HTML), so a message body or an account name cannot inject markup.

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/** The signed-in account, as the page shell says. */
export const who = {
  accountId: document.getElementById('who')?.dataset.account ?? '',
  role: document.getElementById('who')?.dataset.role ?? '',
};

/** An API failure with the API's own error body. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
    this.field = body?.error?.field;
  }
}

/**
 * Calls `/dashboard/api<path>`: for `/v1/…` that is the gateway's own API with this session's key.
 * A 401 means the session ended: back to the sign-in page.
 */
export async function api(path, options = {}) {
  const headers = { 'x-csrf-token': csrfToken, accept: 'application/json' };
  let body;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`/dashboard/api${path}`, {
    method: options.method ?? 'GET',
    headers,
    body,
    credentials: 'same-origin',
  });
  if (response.status === 401) {
    window.location.assign('/dashboard/login');
    throw new ApiError(401, { error: { message: 'signed out' } });
  }
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

/** Creates an element: `attrs` become attributes (`on*` functions become listeners); children are nodes or text. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A status or state as a coloured badge. */
export function badge(value) {
  return el('span', { class: `badge ${String(value ?? '')}` }, value ?? '—');
}

/** A timestamp in the browser's local time, or a dash. */
export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** A table: `columns` are [heading, (row) => cell], cells being nodes or text. */
export function table(columns, rows, empty = 'Nothing here yet.') {
  if (rows.length === 0) return el('p', { class: 'muted' }, empty);
  return el(
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
          columns.map(([heading]) => el('th', {}, heading)),
        ),
      ),
      el(
        'tbody',
        {},
        rows.map((row) =>
          el(
            'tr',
            {},
            columns.map(([, cell]) => el('td', {}, cell(row))),
          ),
        ),
      ),
    ),
  );
}

/** A card section with a heading. */
export function card(title, ...children) {
  return el('section', { class: 'card' }, title ? el('h2', {}, title) : null, ...children);
}

/** Replaces the page's content. */
export function render(...children) {
  return fill(document.getElementById('page'), ...children);
}

/** Replaces a node's content with the given children, leaving out null and undefined ones. */
export function fill(target, ...children) {
  target.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined));
  return target;
}

/** An error line for a failed call. */
export function errorLine(error) {
  return el('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}

/** Runs `load` and shows its error in `target` instead of throwing. */
export async function guarded(target, load) {
  try {
    await load();
  } catch (error) {
    target.replaceChildren(errorLine(error));
  }
}
