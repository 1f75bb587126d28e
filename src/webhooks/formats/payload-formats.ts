import { accoladesFormat } from './accolades-format.js';
import { nativeFormat } from './native-format.js';
import type { PayloadFormat } from './payload-format.js';
import { smppFailuresFormat, smppFormat } from './smpp-format.js';

/**
 * Every payload format by name. A message's `callback_format` picks one (the API dialect that
 * accepted it sets it); account webhooks and inbound events use `native`.
 */
export const PAYLOAD_FORMATS: Readonly<Record<string, PayloadFormat>> = {
  native: nativeFormat,
  accolades: accoladesFormat,
  smpp: smppFormat,
  'smpp-failures': smppFailuresFormat,
};

export const PAYLOAD_FORMAT_NAMES = Object.keys(PAYLOAD_FORMATS);
