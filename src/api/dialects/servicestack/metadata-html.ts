import { RESPONSE_FORMATS, type ResponseFormat } from '../../formats/negotiation.js';
import { allMembers, type DtoMemberType, type DtoType, typeLabel } from './dto-model.js';
import { sampleBody } from './dto-samples.js';
import type { ServiceStackOperation } from './operation.js';
import { OPERATIONS } from './operations.js';

/** How the sample requests label each format's content type (seed 001 shows `text/jsv`). */
const SAMPLE_CONTENT_TYPES: Readonly<Record<ResponseFormat, string>> = {
  json: 'application/json',
  xml: 'application/xml',
  jsv: 'text/jsv',
};

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${html(title)}</title></head><body>${body}</body></html>`;
}

/** `/metadata`: every operation, with a link to its page in each format. */
export function operationsPage(): string {
  const rows = OPERATIONS.map((operation) => {
    const links = RESPONSE_FORMATS.map(
      (format) =>
        `<a href="/${format}/metadata?op=${encodeURIComponent(operation.name)}">${format.toUpperCase()}</a>`,
    ).join(' ');
    return `<tr><th>${html(operation.name)}</th><td>${links}</td><td>${html(operation.request.description ?? '')}</td></tr>`;
  }).join('');
  return page(
    'smsgate ServiceStack operations',
    `<h1>smsgate</h1><p>The following operations are supported. Click on a format to see its routes, DTOs and sample requests.</p>` +
      `<table id="operations"><tr><th>Operation</th><th>Formats</th><th>Description</th></tr>${rows}</table>`,
  );
}

/** The routes an operation answers on: its own, then the predefined ones. */
export function operationRoutes(operation: ServiceStackOperation): { path: string; summary: string }[] {
  return [
    ...operation.routes.map((route) => ({ path: route.path, summary: route.summary })),
    { path: `/api/${operation.name}`, summary: 'predefined route (JSON)' },
    ...RESPONSE_FORMATS.flatMap((format) => [
      { path: `/${format}/reply/${operation.name}`, summary: `predefined route (${format.toUpperCase()})` },
      {
        path: `/${format}/oneway/${operation.name}`,
        summary: 'predefined route: stored and queued, 204 No Content',
      },
    ]),
  ];
}

/** `/{format}/metadata?op=Name`: the operation's routes, DTO tables and samples in `format`. */
export function operationPage(
  operation: ServiceStackOperation,
  format: ResponseFormat,
  host: string,
): string {
  const roles = operation.roles.map((role) => role.charAt(0).toUpperCase() + role.slice(1)).join(', ');
  const routes = operationRoutes(operation)
    .map((route) => `<tr><td>POST</td><td>${html(route.path)}</td><td>${html(route.summary)}</td></tr>`)
    .join('');
  const tables = [...dtoTypes(operation.request), ...dtoTypes(operation.response)]
    .map((type) => parameterTable(type))
    .join('');
  const mime = SAMPLE_CONTENT_TYPES[format];
  const request =
    `POST ${operation.routes[0]?.path ?? `/api/${operation.name}`} HTTP/1.1\n` +
    `Host: ${host}\nAccept: ${mime}\nContent-Type: ${mime}\nContent-Length: length\n\n` +
    sampleBody(format, operation.request, operation.jsonCase);
  const response =
    `HTTP/1.1 200 OK\nContent-Type: ${mime}\nContent-Length: length\n\n` +
    sampleBody(format, operation.response, operation.jsonCase);
  return page(
    `${operation.name} ${format.toUpperCase()}`,
    `<p><a href="/metadata">&lt;back to all web services</a></p>` +
      `<h2>${html(operation.name)}</h2><p>${html(operation.request.description ?? '')}</p>` +
      `<p>Requires Authentication. Requires any of the roles: ${html(roles)}</p>` +
      `<p>The following routes are available for this service:</p><table id="routes">${routes}</table>` +
      tables +
      `<p>To override the Content-type in your clients, use the HTTP Accept Header, append the .${format} suffix or ?format=${format}</p>` +
      `<h3>HTTP + ${format.toUpperCase()}</h3><p>The following are sample HTTP requests and responses. The placeholders shown need to be replaced with actual values.</p>` +
      `<pre class="request">${html(request)}</pre><pre class="response">${html(response)}</pre>`,
  );
}

function parameterTable(type: DtoType): string {
  const rows = type.members
    .map(
      (member) =>
        `<tr><td>${html(member.name)}</td><td>${type.description ? 'body' : 'form'}</td><td>${html(typeLabel(member.type))}</td><td>No</td><td>${html(member.description ?? '')}</td></tr>`,
    )
    .join('');
  return (
    `<h3>${html(type.name)} Parameters:</h3><table class="parameters"><tr><th>Name</th><th>Parameter</th>` +
    `<th>Data Type</th><th>Required</th><th>Description</th></tr>${rows}</table>`
  );
}

/** A type and every type it uses (bases and members), each once, in the order met. */
function dtoTypes(root: DtoType): DtoType[] {
  const seen: DtoType[] = [];
  const visit = (type: DtoType) => {
    if (seen.includes(type)) return;
    seen.push(type);
    for (const member of allMembers(type)) {
      const nested = memberType(member.type);
      if (nested) visit(nested);
    }
    if (type.base) visit(type.base);
  };
  visit(root);
  return seen;
}

function memberType(type: DtoMemberType): DtoType | undefined {
  if (typeof type === 'string' || type.kind === 'responseStatus') return undefined;
  return type.type;
}
