import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import { fromMessageSid, toMessageSid } from '../../../core/message-sid.js';
import type { Gateway } from '../../../gateway.js';
import { type Dialect, dialectAuth, principalOf } from '../../dialect.js';
import type { FormFields } from '../../formats/form.js';
import { twilioCredentialOf } from './twilio-auth.js';
import { TwilioError } from './twilio-errors.js';
import { messagesPath, twilioMessage } from './twilio-message-json.js';
import { readTwilioSend, TWILIO_FIELD_NAMES, twilioParam } from './twilio-send-form.js';

type AccountParams = { accountSid: string };
type MessageParams = { accountSid: string; resource: string };

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

function formOf(body: unknown): FormFields {
  return body !== null && typeof body === 'object' ? (body as FormFields) : {};
}

/** The message id a `{Sid}.json` path segment names, or a 404 in Twilio's words. */
function messageIdOf(request: FastifyRequest<{ Params: MessageParams }>): string {
  const sid = request.params.resource.replace(/\.json$/, '');
  const id = fromMessageSid(sid);
  if (id === undefined || !request.params.resource.endsWith('.json')) {
    throw new NotFoundError(`The requested resource ${request.url.split('?')[0]}`);
  }
  return id;
}

/**
 * Twilio's Messages resource: create (`POST Messages.json`, 201 with the message), fetch
 * (`GET Messages/{Sid}.json`), list (`GET Messages.json`, newest first, `PageSize` and Twilio's
 * next-page links, filters `To`, `From`, `DateSent`), and cancel a scheduled one
 * (`POST Messages/{Sid}.json` with `Status=canceled`).
 */
export function registerTwilioRoutes(scope: FastifyInstance, gateway: Gateway, dialect: Dialect): void {
  const auth = { preHandler: dialectAuth(dialect, gateway) };

  scope.post<{ Params: AccountParams }>(
    '/Accounts/:accountSid/Messages.json',
    auth,
    async (request, reply) => {
      const principal = principalOf(request);
      const input = readTwilioSend(formOf(request.body), twilioCredentialOf(request).id);
      const outcome = await gateway.messages.send(principal, input, { names: TWILIO_FIELD_NAMES });
      const accepted = outcome.sends[0]?.messages[0];
      if (!accepted) throw new Error('an accepted send has no message');
      const detail = await gateway.messages.read(principal, accepted.id);
      return reply.status(201).send(twilioMessage(detail.row, request.params.accountSid));
    },
  );

  scope.get<{ Params: MessageParams }>('/Accounts/:accountSid/Messages/:resource', auth, async (request) => {
    const detail = await gateway.messages.read(principalOf(request), messageIdOf(request));
    return twilioMessage(detail.row, request.params.accountSid);
  });

  scope.post<{ Params: MessageParams }>('/Accounts/:accountSid/Messages/:resource', auth, async (request) => {
    const principal = principalOf(request);
    const id = messageIdOf(request);
    const status = twilioParam(formOf(request.body), 'Status');
    if (status !== 'canceled') {
      throw new TwilioError(
        400,
        'Only Status=canceled (of a scheduled message) can be updated here',
        'Status',
      );
    }
    const detail = await gateway.messages.cancel(principal, id);
    return twilioMessage(detail.row, request.params.accountSid);
  });

  scope.get<{ Params: AccountParams; Querystring: Record<string, string | string[]> }>(
    '/Accounts/:accountSid/Messages.json',
    auth,
    async (request) => {
      const { accountSid } = request.params;
      const query = firstValues(request.query);
      const pageSize = pageSizeOf(query.PageSize);
      const page = Number(query.Page ?? 0);
      const token = query.PageToken?.startsWith('PA') ? fromMessageSid(query.PageToken.slice(2)) : undefined;
      const day = dateSentRange(query.DateSent);
      const rows = await gateway.messages.list(principalOf(request), {
        limit: pageSize + 1,
        ...(query.To ? { to: query.To } : {}),
        ...(query.From ? { from: query.From } : {}),
        ...(token ? { before: token } : {}),
        ...(day ? { since: day.since, until: day.until } : {}),
      });
      const shown = rows.slice(0, pageSize);
      const base = `${messagesPath(accountSid)}.json`;
      const filters = new URLSearchParams();
      for (const name of ['To', 'From', 'DateSent']) {
        const value = query[name];
        if (value) filters.set(name, value);
      }
      const uri = (extra: Record<string, string>) => {
        const params = new URLSearchParams(filters);
        params.set('PageSize', String(pageSize));
        for (const [name, value] of Object.entries(extra)) params.set(name, value);
        return `${base}?${params.toString()}`;
      };
      const last = shown[shown.length - 1];
      const pageNumber = Number.isInteger(page) && page >= 0 ? page : 0;
      return {
        messages: shown.map((row) => twilioMessage(row, accountSid)),
        start: pageNumber * pageSize,
        end: pageNumber * pageSize + Math.max(shown.length - 1, 0),
        page: pageNumber,
        page_size: pageSize,
        uri: uri({ Page: String(pageNumber), ...(query.PageToken ? { PageToken: query.PageToken } : {}) }),
        first_page_uri: uri({ Page: '0' }),
        previous_page_uri: null,
        next_page_uri:
          rows.length > pageSize && last
            ? uri({ Page: String(pageNumber + 1), PageToken: `PA${toMessageSid(last.id)}` })
            : null,
      };
    },
  );
}

/** A query's parameters, the first value of any repeated one (as Twilio reads them). */
function firstValues(query: Record<string, string | string[]>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(query)) out[name] = Array.isArray(value) ? value[0] : value;
  return out;
}

function pageSizeOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new TwilioError(400, `PageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}`, 'PageSize');
  }
  return size;
}

/** `DateSent=YYYY-MM-DD`: the messages created that day (UTC). */
function dateSentRange(value: string | undefined): { since: number; until: number } | undefined {
  if (value === undefined || value === '') return undefined;
  const since = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (!Number.isFinite(since)) throw new TwilioError(400, 'DateSent must be a date: YYYY-MM-DD', 'DateSent');
  return { since, until: since + 86_400_000 };
}
