import type { Dialect } from './dialect.js';
import { accoladesDialect } from './dialects/accolades/accolades-dialect.js';
import { interactDialect } from './dialects/interact/interact-dialect.js';
import { jasminDialect } from './dialects/jasmin/jasmin-dialect.js';
import { kannelDialect } from './dialects/kannel/kannel-dialect.js';
import { serviceStackDialect } from './dialects/servicestack/servicestack-dialect.js';
import { twilioDialect } from './dialects/twilio/twilio-dialect.js';
import { nativeDialect } from './native/native-dialect.js';

/** Every HTTP API the gateway speaks, in registration order. */
export const DIALECTS: readonly Dialect[] = [
  nativeDialect,
  interactDialect, // the Interact campaign API, /interact
  // ServiceStack: SendSmsRequest and SMSSend
  serviceStackDialect,
  accoladesDialect, // the Accolades form API: POST /<accountNumber>/sms/send
  twilioDialect, // Twilio's Messages API: /2010-04-01/Accounts/{AccountSid}/Messages.json
  kannelDialect, // Kannel's smsbox: GET|POST /cgi-bin/sendsms
  jasminDialect, // Jasmin's HTTP API (/send, /balance, /rate) and REST API (/secure/…)
];
