import type { Principal } from '../accounts/roles.js';
import { CSRF_FIELD } from './csrf.js';
import { type DashboardPage, mayOpen, PAGES } from './pages.js';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Headers every dashboard answer carries: scripts and styles only from the gateway itself (no
 * inline script, so an injected string cannot run), never framed, never cached, never sniffed.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

function document(title: string, body: string, extraHead = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · smsgate</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
${extraHead}
</head>
<body>
${body}
</body>
</html>
`;
}

/** The sign-in page: one API key field, with the login CSRF token. */
export function loginPage(csrfToken: string, error?: string): string {
  return document(
    'Sign in',
    `<main class="login">
<h1>smsgate</h1>
<form method="post" action="/dashboard/login" class="card">
<label for="apiKey">API key</label>
<input id="apiKey" name="apiKey" type="password" autocomplete="current-password" required placeholder="sk_…">
<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrfToken)}">
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<button type="submit">Sign in</button>
</form>
<p class="muted">The key is checked exactly as the API checks it; the dashboard shows what that key may see.</p>
</main>`,
  );
}

/**
 * A signed-in page: the menu (only the pages the role may open), who is signed in, the sign-out
 * form, and the page's script, which reads its data from the API through /dashboard/api/v1.
 */
export function pageShell(
  page: DashboardPage,
  principal: Principal,
  csrfToken: string,
  refusal?: string,
): string {
  const nav = PAGES.filter((p) => mayOpen(principal, p))
    .map(
      (p) =>
        `<a href="/dashboard/${p.name}"${p.name === page.name ? ' aria-current="page"' : ''}>${escapeHtml(p.title)}</a>`,
    )
    .join('\n');
  const main = refusal
    ? `<section class="card denied" id="denied"><h2>403 — not allowed</h2><p>${escapeHtml(refusal)}</p></section>`
    : `<div id="page" data-page="${page.name}"><p class="muted">Loading…</p></div>`;
  return document(
    page.title,
    `<header class="top">
<a class="brand" href="/dashboard/overview">smsgate</a>
<nav>${nav}</nav>
<div class="who"><span id="who" data-account="${escapeHtml(principal.accountId)}" data-role="${principal.role}">${escapeHtml(principal.accountId)} · ${principal.role}</span>
<form method="post" action="/dashboard/logout"><input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(csrfToken)}"><button type="submit" class="link">Sign out</button></form></div>
</header>
<main>
<h1>${escapeHtml(page.title)}</h1>
${main}
</main>`,
    `<meta name="csrf-token" content="${escapeHtml(csrfToken)}">
${refusal ? '' : `<script type="module" src="/dashboard/assets/${page.name}.js"></script>`}`,
  );
}

/** A page for a path that is not a page. */
export function notFoundPage(): string {
  return errorPage(404, 'There is no such page.');
}

/** A page for a refused or failed request (the status and the gateway's message, never a stack). */
export function errorPage(status: number, message: string): string {
  return document(
    String(status),
    `<main class="login"><h1>${status}</h1><p class="error" role="alert">${escapeHtml(message)}</p><p><a href="/dashboard">Dashboard</a></p></main>`,
  );
}
