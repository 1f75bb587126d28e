import { FieldErrors } from '../../../core/errors.js';
import type { FieldNames, SendInput } from '../../../core/send-input.js';
import type { Gateway } from '../../../gateway.js';
import type { AcceptedMessage } from '../../../messages/send-preparer.js';
import { type BoundDto, bindDto } from './dto-binder.js';
import type { DtoValue } from './dto-writer.js';
import { fieldError, type OperationCall, type OperationResult, sendReported } from './operation-call.js';
import { familyOfChannel, ResponseGroups } from './response-groups.js';
import { SEND_SMS_REQUEST } from './send-sms-dtos.js';
import { verdictOutcome } from './verdict-outcome.js';

const groupsByGateway = new WeakMap<Gateway, ResponseGroups>();

/**
 * Seed 000's `SendSmsRequest`: each of `Messages` is one send (`to` the recipient, `content` the
 * text, `clientMessageId` the clientRef, `channel` a provider family or a channel routes match),
 * all stored or none. The answer waits, bounded by `messages.verdictWaitMs`, for each message's
 * verdict and reports it under the group of the connector that carried it.
 */
export async function sendSms(call: OperationCall): Promise<OperationResult> {
  const { gateway, principal } = call;
  const errors = new FieldErrors();
  const request = bindDto(call.body, SEND_SMS_REQUEST, call.format, errors);
  const messages = (request.Messages ?? []) as readonly (BoundDto | undefined)[];
  if (messages.length === 0 && !errors.errors.some((e) => e.field === 'Messages')) {
    errors.errors.push(fieldError('Messages', 'Messages must list at least one message', 'not_empty'));
  }
  const limit = gateway.config.maxRecipientsPerRequest;
  if (messages.length > limit) {
    throw fieldError(
      'Messages',
      `Messages has ${messages.length} messages; at most ${limit} are allowed per request`,
    );
  }
  const inputs = messages.map((message): SendInput => {
    const text = (key: string) => {
      const value = message?.[key];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const to = text('to');
    return {
      to: to === undefined ? [] : [to],
      text: text('content') ?? '',
      clientRef: text('clientMessageId'),
      channel: text('channel'),
      connectorType: familyOfChannel(text('channel')),
    };
  });
  const names = messages.map((_, i) => messageFieldNames(`Messages[${i}]`));
  const outcome = await sendReported(call, inputs, names, errors);
  if (call.mode === 'oneway') return { noContent: true };

  const sent = outcome.sends.map((send) => send.messages[0]!);
  const ids = sent.map((message) => message.id);
  const verdicts = await gateway.messages.waitForVerdicts(principal.accountId, ids);
  const connectors = await gateway.messages.connectorsOf(principal.accountId, ids);
  let groups = groupsByGateway.get(gateway);
  if (!groups) {
    groups = new ResponseGroups(gateway.config);
    groupsByGateway.set(gateway, groups);
  }
  const response: Record<string, { messages: DtoValue[] }> = {};
  sent.forEach((message, i) => {
    const group = groups.groupOf(connectors.get(message.id) ?? message.connector);
    response[group] ??= { messages: [] };
    response[group].messages.push(
      resultEntry(message, messages[i], verdictOutcome(verdicts.get(message.id))),
    );
  });
  return { dto: response };
}

function resultEntry(
  message: AcceptedMessage,
  request: BoundDto | undefined,
  outcome: ReturnType<typeof verdictOutcome>,
): DtoValue {
  return {
    apiMessageId: message.id,
    accepted: outcome.accepted,
    to: message.to,
    error: outcome.reason,
    hasError: !outcome.accepted,
    msg: {
      channel: request?.channel,
      to: request?.to,
      content: request?.content,
      clientMessageId: request?.clientMessageId,
    },
  };
}

/** How errors name one message's fields: `Messages[2].to`. */
function messageFieldNames(prefix: string): FieldNames {
  return {
    to: `${prefix}.to`,
    text: `${prefix}.content`,
    from: `${prefix}.from`,
    scheduleAt: `${prefix}.scheduleAt`,
    validitySeconds: `${prefix}.validitySeconds`,
    callbackUrl: `${prefix}.callbackUrl`,
    clientRef: `${prefix}.clientMessageId`,
    metadata: `${prefix}.metadata`,
  };
}
