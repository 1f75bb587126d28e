import { accoladesFormat } from './accolades-format.js';
import { jasminBatchFormat } from './jasmin-batch-format.js';
import { jasminFormat } from './jasmin-format.js';
import { kannelFormat } from './kannel-format.js';
import { nativeFormat } from './native-format.js';
import type { PayloadFormat } from './payload-format.js';
import { smppFailuresFormat, smppFormat } from './smpp-format.js';
import { twilioFormat } from './twilio-format.js';

/**
 * Every payload format by name. A message's `callback_format` (`name` or `name:argument`) picks one
 * (the API dialect that accepted it sets it); account webhooks use `native`, and inbound events
 * their account's `inbound_webhook_format` (native unless set).
 */
export const PAYLOAD_FORMATS: Readonly<Record<string, PayloadFormat>> = {
  native: nativeFormat,
  accolades: accoladesFormat,
  twilio: twilioFormat,
  kannel: kannelFormat,
  jasmin: jasminFormat,
  'jasmin-batch': jasminBatchFormat,
  smpp: smppFormat,
  'smpp-failures': smppFailuresFormat,
};

export const PAYLOAD_FORMAT_NAMES = Object.keys(PAYLOAD_FORMATS);
