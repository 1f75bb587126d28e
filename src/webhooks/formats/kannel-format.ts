import { KANNEL_DLR, kannelDlrType } from './kannel-dlr-types.js';
import { expandDlrUrl } from './kannel-escapes.js';
import type { PayloadFormat } from './payload-format.js';

/** The `kannel` part of a message's metadata (what the sendsms request carried). */
interface KannelMetadata {
  username?: string;
  smsc?: string;
  account?: string;
  metaData?: string;
  coding?: number;
  mclass?: number;
}

function kannelMetadata(metadata: string | null): KannelMetadata {
  if (metadata === null) return {};
  try {
    const parsed = JSON.parse(metadata) as { kannel?: KannelMetadata };
    return parsed.kannel ?? {};
  } catch {
    return {};
  }
}

/**
 * Kannel's delivery reports: a GET of the message's dlr-url with its `%` escapes filled in
 * (`kannel-escapes.ts`), for each status event whose DLR type (`kannel-dlr-types.ts`) is a bit of
 * the request's `dlr-mask` (the format's argument, `kannel:<mask>`); other events are skipped.
 */
export const kannelFormat: PayloadFormat = ({ event, message }, context) => {
  if (!message) return null;
  const mask = Number(context.argument);
  const sentBefore = message.sentAt !== null && event.status !== 'sent';
  const type = kannelDlrType(event.status, sentBefore);
  if (type === undefined || !Number.isInteger(mask) || (mask & type) === 0) return null;
  const kannel = kannelMetadata(message.metadata);
  const smscReply =
    type === KANNEL_DLR.smscAccepted
      ? 'ACK/'
      : type === KANNEL_DLR.smscRejected
        ? `NACK/${event.code ?? ''}/${event.detail ?? event.status ?? ''}`
        : (event.code ?? event.detail ?? event.status ?? '');
  const url = expandDlrUrl(context.url, {
    type,
    smscReply,
    foreignId: message.upstreamId ?? '',
    phone: message.to,
    sender: message.from ?? '',
    dlrUrl: context.url,
    at: event.at,
    smscId: message.connector ?? kannel.smsc ?? '',
    messageId: message.id,
    username: kannel.username ?? '',
    coding: kannel.coding === undefined ? '0' : String(kannel.coding),
    mclass: kannel.mclass === undefined ? '' : String(kannel.mclass),
    account: kannel.account ?? '',
    metaData: kannel.metaData ?? '',
  });
  return { method: 'GET', url, contentType: 'text/plain', body: '' };
};
