import type { FieldNames, SendInput } from '../../../core/send-input.js';
import type { FormFields } from '../../formats/form.js';
import { TwilioError } from './twilio-errors.js';

/** The message service's fields in Twilio's words, so its refusals name what the caller sent. */
export const TWILIO_FIELD_NAMES: FieldNames = {
  to: 'To',
  text: 'Body',
  from: 'From',
  scheduleAt: 'SendAt',
  validitySeconds: 'ValidityPeriod',
  callbackUrl: 'StatusCallback',
  clientRef: 'clientRef',
  metadata: 'metadata',
};

const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/;
/** Twilio schedules from 5 minutes to 35 days ahead. */
const MIN_SCHEDULE_MS = 300_000;
const MAX_SCHEDULE_MS = 35 * 86_400_000;
const MAX_VALIDITY_SECONDS = 36_000;

/** One parameter; Twilio takes the first of a repeated one (only `MediaUrl` may repeat). */
export function twilioParam(fields: FormFields, name: string): string | undefined {
  const value = Object.hasOwn(fields, name) ? fields[name] : undefined;
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The send a `POST …/Messages.json` form asks for, refused as Twilio refuses it: 21604 without
 * `To`, 21603 without `From` or `MessagingServiceSid`, 21602 without `Body`, 21624 for a
 * `ValidityPeriod` outside 1–36000 s, 35111/35114 for a missing or out-of-range `SendAt` with
 * `ScheduleType=fixed`. Parameters Twilio has and this gateway has no use for (`MaxPrice`,
 * `Attempt`, `SmartEncoded` …) are ignored, as Twilio ignores unknown ones; `MediaUrl` is refused
 * (SMS only). Status callbacks are signed with the credential's auth token (`twilio:<credential>`).
 */
export function readTwilioSend(fields: FormFields, credentialId: string, now = Date.now()): SendInput {
  const param = (name: string) => twilioParam(fields, name);
  const to = param('To');
  if (to === undefined || to.trim() === '')
    throw new TwilioError(21604, "A 'To' phone number is required.", 'To');
  const from = param('From')?.trim();
  const service = param('MessagingServiceSid')?.trim();
  if (!from && !service) {
    throw new TwilioError(21603, "A 'From' or 'MessagingServiceSid' parameter is required", 'From');
  }
  if (service && !MESSAGING_SERVICE_SID.test(service)) {
    throw new TwilioError(21701, `The Messaging Service Sid ${service} is invalid.`, 'MessagingServiceSid');
  }
  if (param('MediaUrl') !== undefined) {
    throw new TwilioError(21620, 'MediaUrl is not supported: this gateway sends SMS only', 'MediaUrl');
  }
  const body = param('Body');
  if (body === undefined || body === '') throw new TwilioError(21602, 'Message body is required.', 'Body');
  const validity = param('ValidityPeriod');
  let validitySeconds: number | undefined;
  if (validity !== undefined) {
    validitySeconds = Number(validity);
    if (!/^\d+$/.test(validity) || validitySeconds < 1 || validitySeconds > MAX_VALIDITY_SECONDS) {
      throw new TwilioError(
        21624,
        'Validity period can only be set to integers between 1 and 36,000 seconds (10 hours max).',
        'ValidityPeriod',
      );
    }
  }
  const scheduleAt = scheduleOf(param('ScheduleType'), param('SendAt'), now);
  const callback = param('StatusCallback')?.trim();
  return {
    to: [to.trim()],
    text: body,
    ...(from ? { from } : {}),
    ...(validitySeconds === undefined ? {} : { validitySeconds }),
    ...(scheduleAt === undefined ? {} : { scheduleAt }),
    ...(callback ? { callbackUrl: callback, callbackFormat: `twilio:${credentialId}` } : {}),
  };
}

function scheduleOf(type: string | undefined, sendAt: string | undefined, now: number): number | undefined {
  if (type === undefined) return undefined;
  if (type !== 'fixed') {
    throw new TwilioError(400, `ScheduleType "${type}" is not supported: use fixed`, 'ScheduleType');
  }
  if (sendAt === undefined || sendAt === '') {
    throw new TwilioError(35111, "You must indicate SendAt timestamp if ScheduleType is 'fixed'.", 'SendAt');
  }
  const at = Date.parse(sendAt);
  if (!Number.isFinite(at) || at - now < MIN_SCHEDULE_MS || at - now > MAX_SCHEDULE_MS) {
    throw new TwilioError(
      35114,
      'SendAt time must be between 300 seconds and 35 days (3024000 seconds) in the future, inclusive.',
      'SendAt',
    );
  }
  return at;
}
