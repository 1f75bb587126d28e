import { dataContractNamespace } from '../../formats/xml.js';
import type { DtoMember, DtoType } from './dto-model.js';

/**
 * Seed 000's DTOs (`POST /communication/message/sms`), as its metadata page declares them, in the
 * CLR namespace `digitaluapi.ServiceModel` that its XML sample shows.
 */
export const SEND_SMS_NAMESPACE = dataContractNamespace('digitaluapi.ServiceModel');

const messageMembers: readonly DtoMember[] = [
  {
    name: 'channel',
    type: 'string',
    description: 'a provider family (grandcom, clickatell, smpp) or a channel routes match',
  },
  { name: 'to', type: 'string', description: 'the recipient' },
  { name: 'content', type: 'string', description: 'the text' },
  { name: 'clientMessageId', type: 'string', description: 'your reference (the message’s clientRef)' },
];

const message = (name: string): DtoType => ({
  name,
  namespace: SEND_SMS_NAMESPACE,
  members: messageMembers,
});

/** One message of a request. */
export const SMS_MESSAGE = message('SmsMessage');

/** The request. */
export const SEND_SMS_REQUEST: DtoType = {
  name: 'SendSmsRequest',
  namespace: SEND_SMS_NAMESPACE,
  description: 'Sends an SMS to phone numbers provided.',
  members: [
    { name: 'Messages', type: { kind: 'list', type: SMS_MESSAGE }, description: 'Messages to be Sent' },
  ],
};

/** One message's result, as each provider family's type spells it (Grandcom's adds `hasError`). */
function result(name: string, messageType: DtoType, hasError: boolean): DtoType {
  return {
    name,
    namespace: SEND_SMS_NAMESPACE,
    members: [
      { name: 'apiMessageId', type: 'string', description: 'smsgate’s message id' },
      { name: 'accepted', type: 'bool' },
      { name: 'to', type: 'string' },
      { name: 'error', type: 'string' },
      ...(hasError ? [{ name: 'hasError', type: 'bool' } as const] : []),
      { name: 'msg', type: { kind: 'object', type: messageType } },
    ],
  };
}

function group(name: string, resultType: DtoType): DtoType {
  return {
    name,
    namespace: SEND_SMS_NAMESPACE,
    members: [
      { name: 'messages', type: { kind: 'list', type: resultType } },
      { name: 'error', type: 'string' },
      { name: 'ResponseStatus', type: { kind: 'responseStatus' } },
    ],
  };
}

export const GRANDCOM_MSG_RESPONSE = group(
  'GrandcomMsgResponse',
  result('GrandcomResponseMsg', message('GrandcomMessage'), true),
);
export const CLICKATELL_MESSAGE_RESPONSE = group(
  'ClickatellMessageResponse',
  result('ClickatellResponsesMsg', message('ClickatellMessage'), false),
);
export const SMPP_MSG_RESPONSE = group(
  'SMPPMsgResponse',
  result('SMPPResponseMsg', message('SMPPMessage'), false),
);

/** The response: each message under the provider family that carried it. */
export const SMS_MSG_RESPONSE: DtoType = {
  name: 'SmsMsgResponse',
  namespace: SEND_SMS_NAMESPACE,
  members: [
    { name: 'grandcomMsgResponse', type: { kind: 'object', type: GRANDCOM_MSG_RESPONSE } },
    { name: 'clickatellMsgResponse', type: { kind: 'object', type: CLICKATELL_MESSAGE_RESPONSE } },
    { name: 'SMPPMsgResponse', type: { kind: 'object', type: SMPP_MSG_RESPONSE } },
    { name: 'error', type: 'string' },
    { name: 'ResponseStatus', type: { kind: 'responseStatus' } },
  ],
};
