import { randomUUID } from 'node:crypto';
import { FieldErrors } from '../../../core/errors.js';
import { parseSender } from '../../../core/phone-numbers.js';
import type { FieldNames, SendInput } from '../../../core/send-input.js';
import { MAX_REF_VALUE_LENGTH } from '../../../messages/send-preparer.js';
import type { Verdict } from '../../../messages/verdicts.js';
import { type BoundDto, bindDto } from './dto-binder.js';
import { enforceLicensee } from './licensee.js';
import { fieldError, type OperationCall, type OperationResult, sendReported } from './operation-call.js';
import { SMS_SEND } from './sms-send-dtos.js';
import { verdictOutcome } from './verdict-outcome.js';

/**
 * The refs an SMSSend's messages carry (searchable with `GET /v1/messages?ref=name:value`): the
 * request's CommId, and what SMSModel says about the message and its contacts.
 */
export const SMS_SEND_REFS = {
  commId: 'commId',
  linkedObjectId: 'linkedObjectId',
  suiteId: 'suiteId',
  licenseeId: 'licenseeId',
  notes: 'notes',
  fromName: 'from.name',
  fromPhoneNumber: 'from.phoneNumber',
  fromContactId: 'from.contactId',
  toName: 'to.name',
  toContactId: 'to.contactId',
} as const;

const NAMES: FieldNames = {
  to: 'SMSModel.To',
  text: 'SMSModel.MessageBody',
  from: 'SMSModel.From.PhoneNumber',
  scheduleAt: 'SMSModel.ScheduleAt',
  validitySeconds: 'SMSModel.ValiditySeconds',
  callbackUrl: 'SMSModel.CallbackUrl',
  clientRef: 'SMSModel.ClientRef',
  metadata: 'SMSModel.Metadata',
  recipient: (i) => `SMSModel.To[${i}].PhoneNumber`,
};

/**
 * Seeds 001/002's `SMSSend`: one text (`MessageBody`) from `From` to every contact of `To`, all
 * stored or none, with a new CommId. `reply` routes answer at once (`Status: true`, the message
 * ids in `Reference`); `immediate` routes send at top priority and answer with the verdict.
 * `CreateCommunicationReferencesImmediately` changes nothing: the messages and their references
 * are always stored before the answer.
 */
export async function smsSend(call: OperationCall): Promise<OperationResult> {
  const { gateway, principal } = call;
  const errors = new FieldErrors();
  const request = bindDto(call.body, SMS_SEND, call.format, errors);
  const model = (request.SMSModel ?? {}) as BoundDto;
  // Who may act for a tenant is settled before what the request says is checked.
  await enforceLicensee(gateway, principal, text(model.LicenseeId), 'SMSModel.LicenseeId');

  const from = model.From as BoundDto | undefined;
  const contacts = (model.To ?? []) as readonly (BoundDto | undefined)[];
  const sender = text(from?.PhoneNumber);
  const replyRequired = model.ReplyIsRequired === true;
  if (replyRequired && sender !== undefined && isAlphanumeric(sender, gateway.config.defaultRegion)) {
    errors.errors.push(
      fieldError(
        'SMSModel.ReplyIsRequired',
        `SMSModel.ReplyIsRequired needs a sender that can be answered: "${sender}" is an alphanumeric sender id, and nobody can reply to one`,
        'reply_impossible',
      ),
    );
  }
  const commId = randomUUID().replaceAll('-', '');
  const refs: Record<string, string> = { [SMS_SEND_REFS.commId]: commId };
  const keep = (name: string, value: unknown, field: string, into: Record<string, string> = refs) => {
    const kept = text(value);
    if (kept === undefined) return;
    if (kept.length > MAX_REF_VALUE_LENGTH) {
      errors.errors.push(fieldError(field, `${field} is longer than ${MAX_REF_VALUE_LENGTH} characters`));
      return;
    }
    into[name] = kept;
  };
  keep(SMS_SEND_REFS.linkedObjectId, model.LinkedObjectId, 'SMSModel.LinkedObjectId');
  keep(SMS_SEND_REFS.suiteId, model.SuiteId, 'SMSModel.SuiteId');
  keep(SMS_SEND_REFS.licenseeId, model.LicenseeId, 'SMSModel.LicenseeId');
  keep(SMS_SEND_REFS.notes, model.Notes, 'SMSModel.Notes');
  keep(SMS_SEND_REFS.fromName, from?.Name, 'SMSModel.From.Name');
  keep(SMS_SEND_REFS.fromPhoneNumber, from?.PhoneNumber, 'SMSModel.From.PhoneNumber');
  keep(SMS_SEND_REFS.fromContactId, from?.ContactId, 'SMSModel.From.ContactId');
  const recipientRefs = contacts.map((contact, i) => {
    const own: Record<string, string> = {};
    keep(SMS_SEND_REFS.toName, contact?.Name, `SMSModel.To[${i}].Name`, own);
    keep(SMS_SEND_REFS.toContactId, contact?.ContactId, `SMSModel.To[${i}].ContactId`, own);
    return own;
  });
  const input: SendInput = {
    to: contacts.map((contact) => text(contact?.PhoneNumber) ?? ''),
    text: text(model.MessageBody) ?? '',
    from: sender,
    replyRequired: replyRequired || undefined,
    priority: call.mode === 'immediate' ? 'urgent' : undefined,
    refs,
    recipientRefs,
  };
  const outcome = await sendReported(call, [input], [NAMES], errors);
  if (call.mode === 'oneway') return { noContent: true };

  const messages = outcome.sends[0]!.messages;
  const ids = messages.map((message) => message.id);
  const answer = { CommId: commId, Reference: ids.join(',') };
  if (call.mode !== 'immediate') {
    const n = ids.length;
    return { dto: { ...answer, Status: true, Message: `Queued ${n} message${n === 1 ? '' : 's'}` } };
  }
  const verdicts = await gateway.messages.waitForVerdicts(principal.accountId, ids);
  return {
    dto: { ...answer, ...verdictSummary(messages.map((m) => ({ to: m.to, verdict: verdicts.get(m.id) }))) },
  };
}

/**
 * `Status` and `Message` of an `/immediate` answer: `Status` is false when any message was
 * refused (rejected, failed, expired, canceled); `Message` says how many were sent, how many are
 * still queued (they will go), and why each refused one was refused.
 */
export function verdictSummary(messages: readonly { to: string; verdict: Verdict | undefined }[]): {
  Status: boolean;
  Message: string;
} {
  const n = messages.length;
  const outcomes = messages.map((m) => ({ to: m.to, ...verdictOutcome(m.verdict) }));
  const sent = outcomes.filter((o) => o.accepted && !o.pending).length;
  const pending = outcomes.filter((o) => o.pending).length;
  const refused = outcomes.filter((o) => !o.accepted);
  if (sent === n) return { Status: true, Message: `Sent to ${n} recipient${n === 1 ? '' : 's'}` };
  const parts = [`Sent to ${sent} of ${n} recipient${n === 1 ? '' : 's'}`];
  if (pending > 0) parts.push(`${pending} still queued (${pending === 1 ? 'it' : 'they'} will be sent)`);
  for (const o of refused) parts.push(`${o.to} ${o.reason}`);
  return { Status: refused.length === 0, Message: parts.join('; ') };
}

/** A bound text member, with empty text as absent. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isAlphanumeric(sender: string, defaultRegion: string | undefined): boolean {
  try {
    return parseSender(sender, 'from', defaultRegion).kind === 'alphanumeric';
  } catch {
    // An invalid sender id is the send's own 400.
    return false;
  }
}
