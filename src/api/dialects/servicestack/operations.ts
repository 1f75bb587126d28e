import { ERROR_RESPONSE } from './error-response-dto.js';
import type { ServiceStackOperation } from './operation.js';
import { SEND_SMS_REQUEST, SMS_MSG_RESPONSE } from './send-sms-dtos.js';
import { COMM_RESPONSE, SMS_SEND } from './sms-send-dtos.js';

/** Seed 000: `SendSmsRequest` → `SmsMsgResponse`, for clients, admins and partners. */
export const SEND_SMS_OPERATION: ServiceStackOperation = {
  name: 'SendSmsRequest',
  request: SEND_SMS_REQUEST,
  response: SMS_MSG_RESPONSE,
  errorResponse: SMS_MSG_RESPONSE,
  jsonCase: 'declared',
  roles: ['client', 'admin', 'partner'],
  routes: [
    { path: '/communication/message/sms', mode: 'reply', summary: 'Sends an SMS to phone numbers provided.' },
  ],
};

/** Seeds 001/002: `SMSSend` → `CommResponse`, for any authenticated caller. */
export const SMS_SEND_OPERATION: ServiceStackOperation = {
  name: 'SMSSend',
  request: SMS_SEND,
  response: COMM_RESPONSE,
  errorResponse: ERROR_RESPONSE,
  jsonCase: 'camel',
  roles: ['client', 'admin', 'partner'],
  routes: [
    { path: '/api/sendmessage', mode: 'reply', summary: 'Stores and queues; answers at once' },
    {
      path: '/api/sendmessage/immediate',
      mode: 'immediate',
      summary: 'Sends at top priority; answers with the verdict',
    },
    { path: '/api/send', mode: 'reply', summary: 'Stores and queues; answers at once' },
    { path: '/api/sms/send', mode: 'reply', summary: 'Stores and queues; answers at once' },
    {
      path: '/api/send/immediate',
      mode: 'immediate',
      summary: 'Sends at top priority; answers with the verdict',
    },
    {
      path: '/api/sms/send/immediate',
      mode: 'immediate',
      summary: 'Sends at top priority; answers with the verdict',
    },
  ],
};

/** Every operation the dialect serves. */
export const OPERATIONS: readonly ServiceStackOperation[] = [SEND_SMS_OPERATION, SMS_SEND_OPERATION];

/** The operation a predefined route names (`/api/smssend` too: names match in any letter case). */
export function findOperation(name: string): ServiceStackOperation | undefined {
  const wanted = name.toLowerCase();
  return OPERATIONS.find((operation) => operation.name.toLowerCase() === wanted);
}
