import type { Insertable } from 'kysely';
import type { OptOutRegistry } from '../accounts/opt-out-registry.js';
import type { Config } from '../config/schema.js';
import { FieldErrors, ValidationError } from '../core/errors.js';
import { newId, newMessageId } from '../core/ids.js';
import { parseSender, toE164 } from '../core/phone-numbers.js';
import { type FieldNames, NATIVE_FIELD_NAMES, type SendInput } from '../core/send-input.js';
import { smppReceiptFormat, smppReceiptUrl } from '../core/smpp-destination.js';
import { type MessageStatus, priorityRank } from '../core/statuses.js';
import {
  analyzeText,
  BINARY_SEGMENT_BYTES,
  type MessageEncoding,
  type TextAnalysis,
} from '../core/text-encoding.js';

/** A text's analysis, or a binary message's (encoding `binary`, bytes for characters and units). */
export type ContentAnalysis = Omit<TextAnalysis, 'encoding'> & { encoding: MessageEncoding };

import type { DispatchItem } from '../queue/dispatch-item.js';
import type { Router } from '../routing/router.js';
import type { MessageRefsTable, MessageRequestsTable, MessagesTable } from '../store/schema.js';
import { urlRefusal } from '../webhooks/address-guard.js';

const MAX_VALIDITY_SECONDS = 30 * 24 * 3600;
const MAX_SCHEDULE_AHEAD_MS = 365 * 24 * 3600 * 1000;
const MAX_METADATA_BYTES = 4096;
const MAX_CLIENT_REF_LENGTH = 256;
/** As for account webhook URLs. */
export const MAX_CALLBACK_URL_LENGTH = 2000;
const MAX_REFS = 32;
/** Longest ref value kept (dialects check theirs against it to name their own field). */
export const MAX_REF_VALUE_LENGTH = 2000;
const REF_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** One accepted message as reported back to the caller. */
export interface AcceptedMessage {
  readonly id: string;
  readonly to: string;
  readonly status: MessageStatus;
  readonly connector: string;
  readonly createdAt: number;
}

/** A validated send (one text to one or more recipients), ready to commit: nothing stored yet. */
export interface PreparedSend {
  readonly accountId: string;
  readonly analysis: ContentAnalysis;
  readonly messages: readonly AcceptedMessage[];
  readonly scheduleAt: number | null;
  readonly clientRef: string | null;
  /** The sender id every message of the send uses (null: the connector's default). */
  readonly sender: string | null;
  readonly rows: readonly Insertable<MessagesTable>[];
  /** The fields several recipients share, stored once (their rows refer to it). */
  readonly request: Insertable<MessageRequestsTable> | undefined;
  readonly refs: readonly Insertable<MessageRefsTable>[];
  readonly items: readonly DispatchItem[];
}

/**
 * Turns a send in the gateway's terms into the rows to store: E.164 recipients, the sender, the
 * text's encoding and segments, schedule and validity, callback URL, refs, and a route per
 * recipient. Every bad field is reported, not only the first (dialects list them all).
 */
export class SendPreparer {
  constructor(
    private readonly router: Router,
    private readonly optOuts: OptOutRegistry,
    private readonly config: Config,
  ) {}

  /** Validates one send; throws a 400 naming every field at fault. */
  prepare(accountId: string, input: SendInput, names: FieldNames = NATIVE_FIELD_NAMES, now = Date.now()) {
    const errors = new FieldErrors();
    const prepared = this.collect(accountId, input, names, now, errors);
    errors.throwIfAny();
    return prepared!;
  }

  /** Validates several sends of one request (all or nothing); throws a 400 naming every bad field of all. */
  prepareAll(
    accountId: string,
    inputs: readonly SendInput[],
    names: readonly FieldNames[],
    now = Date.now(),
  ): PreparedSend[] {
    const errors = new FieldErrors();
    const prepared = inputs.map((input, i) => this.collect(accountId, input, names[i]!, now, errors));
    errors.throwIfAny();
    return prepared as PreparedSend[];
  }

  private collect(
    accountId: string,
    input: SendInput,
    names: FieldNames,
    now: number,
    errors: FieldErrors,
  ): PreparedSend | undefined {
    const { config } = this;
    const before = errors.errors.length;
    const recipients = errors.check(() => this.recipients(accountId, input, names, errors)) ?? [];
    const analysis = errors.check(() => this.analysis(input, names));
    const sender = errors.check(() =>
      input.from !== undefined
        ? parseSender(input.from, names.from, input.region ?? config.defaultRegion, input.senderCheck)
        : null,
    );
    const scheduleAt = errors.check(() => scheduleOf(input, names, now));
    const validity = errors.check(() => validityOf(input, names, config.queue.defaultValiditySeconds));
    const callbackUrl = errors.check(() =>
      input.smppReceipts !== undefined
        ? smppReceiptUrl(accountId)
        : input.callbackUrl !== undefined
          ? checkCallbackUrl(input.callbackUrl, names.callbackUrl, config.webhooks.allowPrivateAddresses)
          : null,
    );
    const clientRef = errors.check(() => clientRefOf(input, names));
    const metadata = errors.check(() => metadataOf(input, names));
    const refs = errors.check(() => refsOf(input));
    const routes = recipients.map((to, i) =>
      errors.check(() =>
        input.connector !== undefined
          ? this.router.pinned(input.connector, names.to)
          : this.router.resolve(
              {
                to,
                accountId,
                channel: input.channel,
                connectorType: input.connectorType,
                sender: sender?.value ?? null,
              },
              recipientField(names, i, recipients.length === 1),
            ),
      ),
    );
    if (errors.errors.length > before) return undefined;

    // Several recipients share one copy of the callback URL and metadata (a 1,000-recipient request
    // must not write them 1,000 times).
    const callbackFormat = input.smppReceipts
      ? smppReceiptFormat(input.smppReceipts)
      : (input.callbackFormat ?? null);
    const request: Insertable<MessageRequestsTable> | undefined =
      recipients.length > 1 && (callbackUrl !== null || metadata !== null)
        ? {
            id: newId('req'),
            account_id: accountId,
            callback_url: callbackUrl!,
            callback_format: callbackFormat,
            metadata: metadata!,
            created_at: now,
          }
        : undefined;
    const text = analysis!;
    // A binary message is stored and dispatched as the hex of its user data, UDH first.
    const udh = input.binary?.udh ?? Buffer.alloc(0);
    const body = input.binary ? Buffer.concat([udh, input.binary.data]).toString('hex') : input.text;
    const udhi = input.binary ? udh.length > 0 : false;
    const status: MessageStatus = scheduleAt === null ? 'queued' : 'scheduled';
    const expiresAt = (scheduleAt ?? now) + validity! * 1000;
    const priority = priorityRank(input.priority ?? 'normal');
    const rows: Insertable<MessagesTable>[] = [];
    const refRows: Insertable<MessageRefsTable>[] = [];
    const items: DispatchItem[] = [];
    const messages: AcceptedMessage[] = [];
    recipients.forEach((to, i) => {
      const route = routes[i]!;
      const id = (recipients.length === 1 ? input.messageId : undefined) ?? newMessageId();
      rows.push({
        id,
        account_id: accountId,
        to_number: to,
        sender: sender?.value ?? null,
        sender_kind: sender?.kind ?? null,
        body,
        encoding: text.encoding,
        udhi: udhi ? 1 : null,
        segments: text.segments,
        status,
        priority,
        connector: route.connector,
        route: route.route,
        attempts: 0,
        next_attempt_at: scheduleAt!,
        expires_at: expiresAt,
        schedule_at: scheduleAt!,
        callback_url: request ? null : callbackUrl!,
        client_ref: clientRef!,
        metadata: request ? null : metadata!,
        last_code: null,
        last_detail: null,
        created_at: now,
        updated_at: now,
        sent_at: null,
        final_at: null,
        callback_format: request ? null : callbackFormat,
        reply_required: input.replyRequired ? 1 : null,
        request_id: request?.id ?? null,
      });
      for (const [name, value] of [...refs!, ...Object.entries(input.recipientRefs?.[i] ?? {})]) {
        refRows.push({ message_id: id, account_id: accountId, name, value });
      }
      items.push({
        id,
        accountId,
        to,
        from: sender?.value ?? null,
        fromKind: sender?.kind ?? null,
        text: body,
        encoding: text.encoding,
        udhi,
        segments: text.segments,
        priority,
        connector: route.connector,
        route: route.route,
        expiresAt,
        attempts: 0,
        scheduled: scheduleAt !== null,
      });
      messages.push({ id, to, status, connector: route.connector, createdAt: now });
    });
    return {
      accountId,
      analysis: text,
      messages,
      scheduleAt: scheduleAt!,
      clientRef: clientRef!,
      sender: sender?.value ?? null,
      rows,
      request,
      refs: refRows,
      items,
    };
  }

  private recipients(accountId: string, input: SendInput, names: FieldNames, errors: FieldErrors): string[] {
    const { config } = this;
    if (input.to.length === 0)
      throw new ValidationError(`${names.to} must name at least one recipient`, names.to);
    if (input.to.length > config.maxRecipientsPerRequest) {
      throw new ValidationError(
        `${names.to} has ${input.to.length} recipients; at most ${config.maxRecipientsPerRequest} are allowed per request`,
        names.to,
      );
    }
    const single = input.to.length === 1;
    const recipients: string[] = [];
    input.to.forEach((raw, i) => {
      const field = recipientField(names, i, single);
      const to = errors.check(() => {
        const number = toE164(String(raw), field, input.region ?? config.defaultRegion);
        if (this.optOuts.isOptedOut(accountId, number)) {
          throw new ValidationError(
            `${number} has opted out of messages from this account; nothing was sent (a reply of START, or removing the opt-out, lifts it)`,
            field,
            'recipient_opted_out',
          );
        }
        return number;
      });
      if (to !== undefined) recipients.push(to);
    });
    if (recipients.length < input.to.length) return [];
    return recipients;
  }

  private analysis(input: SendInput, names: FieldNames): ContentAnalysis {
    if (input.binary) {
      const bytes = (input.binary.udh?.length ?? 0) + input.binary.data.length;
      if (bytes === 0) throw new ValidationError(`${names.text} must not be empty`, names.text);
      if (bytes > BINARY_SEGMENT_BYTES) {
        throw new ValidationError(
          `${names.text} is ${bytes} bytes of binary data (UDH included); at most ${BINARY_SEGMENT_BYTES} fit one message`,
          names.text,
        );
      }
      return {
        encoding: 'binary',
        characters: bytes,
        units: bytes,
        segments: 1,
        perSegment: BINARY_SEGMENT_BYTES,
        remainingInSegment: BINARY_SEGMENT_BYTES - bytes,
        nonGsmCharacters: [],
      };
    }
    if (typeof input.text !== 'string' || input.text.length === 0) {
      throw new ValidationError(`${names.text} must not be empty`, names.text);
    }
    const analysis = analyzeText(input.text);
    if (analysis.characters > this.config.maxTextLength) {
      throw new ValidationError(
        `${names.text} has ${analysis.characters} characters; at most ${this.config.maxTextLength} are allowed`,
        names.text,
      );
    }
    return analysis;
  }
}

/** How errors name recipient `index`: the send's `to` field when it is the only one. */
function recipientField(names: FieldNames, index: number, single: boolean): string {
  if (names.recipient) return names.recipient(index);
  return single ? names.to : `${names.to}[${index}]`;
}

function scheduleOf(input: SendInput, names: FieldNames, now: number): number | null {
  if (input.scheduleAt === undefined) return null;
  if (!Number.isFinite(input.scheduleAt))
    throw new ValidationError(`${names.scheduleAt} is not a valid time`, names.scheduleAt);
  if (input.scheduleAt > now + MAX_SCHEDULE_AHEAD_MS) {
    throw new ValidationError(`${names.scheduleAt} is more than a year ahead`, names.scheduleAt);
  }
  return input.scheduleAt > now ? input.scheduleAt : null;
}

function validityOf(input: SendInput, names: FieldNames, defaultSeconds: number): number {
  const validity = input.validitySeconds ?? defaultSeconds;
  if (!Number.isInteger(validity) || validity < 1 || validity > MAX_VALIDITY_SECONDS) {
    throw new ValidationError(
      `${names.validitySeconds} must be a whole number of seconds from 1 to ${MAX_VALIDITY_SECONDS}`,
      names.validitySeconds,
    );
  }
  return validity;
}

function clientRefOf(input: SendInput, names: FieldNames): string | null {
  const clientRef = input.clientRef ?? null;
  if (clientRef !== null && clientRef.length > MAX_CLIENT_REF_LENGTH) {
    throw new ValidationError(
      `${names.clientRef} is longer than ${MAX_CLIENT_REF_LENGTH} characters`,
      names.clientRef,
    );
  }
  return clientRef;
}

function metadataOf(input: SendInput, names: FieldNames): string | null {
  if (input.metadata === undefined) return null;
  const metadata = JSON.stringify(input.metadata);
  if (Buffer.byteLength(metadata) > MAX_METADATA_BYTES) {
    throw new ValidationError(`${names.metadata} is larger than ${MAX_METADATA_BYTES} bytes`, names.metadata);
  }
  return metadata;
}

/** The send-wide refs as [name, value] pairs, checked (the recipient refs come from the dialect). */
function refsOf(input: SendInput): [string, string][] {
  const entries = Object.entries(input.refs ?? {});
  if (entries.length > MAX_REFS)
    throw new ValidationError(`at most ${MAX_REFS} refs are kept per message`, 'refs');
  for (const [name, value] of entries) {
    if (!REF_NAME.test(name)) throw new ValidationError(`ref name "${name}" is not a valid name`, 'refs');
    if (value.length > MAX_REF_VALUE_LENGTH) {
      throw new ValidationError(`${name} is longer than ${MAX_REF_VALUE_LENGTH} characters`, name);
    }
  }
  return entries;
}

function checkCallbackUrl(value: string, field: string, allowPrivateAddresses: boolean): string {
  if (value.length > MAX_CALLBACK_URL_LENGTH) {
    throw new ValidationError(
      `${field} is ${value.length} characters long; at most ${MAX_CALLBACK_URL_LENGTH} are allowed`,
      field,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ValidationError(`${field} "${value}" is not a valid URL`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(`${field} must be an http or https URL`, field);
  }
  // Literal addresses are checked now; names are checked when they are resolved, at delivery.
  const refusal = urlRefusal(url.toString(), { allowPrivateAddresses });
  if (refusal !== null)
    throw new ValidationError(`${field} is not allowed: ${refusal}`, field, 'callback_not_allowed');
  const normalized = url.toString();
  // Percent-encoding while normalising can lengthen it: the cap holds for what is stored.
  if (normalized.length > MAX_CALLBACK_URL_LENGTH) {
    throw new ValidationError(
      `${field} is longer than ${MAX_CALLBACK_URL_LENGTH} characters once encoded`,
      field,
    );
  }
  return normalized;
}
