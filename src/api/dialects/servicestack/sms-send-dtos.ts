import { SERVICESTACK_TYPES_NAMESPACE } from '../../formats/xml.js';
import type { DtoType } from './dto-model.js';

/**
 * Seeds 001/002's DTOs (`SMSSend` on six routes). The seeds show no XML, so their namespace is
 * ours to choose: `http://schemas.servicestack.net/types`, the one C# DTOs from "Add ServiceStack
 * Reference" declare by default (and the one `ResponseStatus` lives in), so an `XmlServiceClient`
 * built from those DTOs reads and writes it unchanged.
 */
export const SMS_SEND_NAMESPACE = SERVICESTACK_TYPES_NAMESPACE;

export const SMS_CONTACT: DtoType = {
  name: 'SMSContact',
  namespace: SMS_SEND_NAMESPACE,
  members: [
    { name: 'Name', type: 'string', description: 'kept as ref from.name / to.name' },
    { name: 'PhoneNumber', type: 'string', description: 'sender id (From) or recipient (To)' },
    { name: 'ContactId', type: 'Guid', description: 'kept as ref from.contactId / to.contactId' },
  ],
};

export const BASE_LICENSEE_ENFORCED_SERVICE_MODEL: DtoType = {
  name: 'BaseLicenseeEnforcedServiceModel',
  namespace: SMS_SEND_NAMESPACE,
  members: [
    {
      name: 'LicenseeId',
      type: 'Guid',
      description: 'the tenant sent for: absent means your own; a partner may name tenants it manages',
    },
  ],
};

export const SMS_MODEL: DtoType = {
  name: 'SMSModel',
  namespace: SMS_SEND_NAMESPACE,
  base: BASE_LICENSEE_ENFORCED_SERVICE_MODEL,
  members: [
    { name: 'From', type: { kind: 'object', type: SMS_CONTACT } },
    { name: 'To', type: { kind: 'list', type: SMS_CONTACT } },
    { name: 'MessageBody', type: 'string' },
    { name: 'ReplyIsAllowed', type: 'bool' },
    { name: 'ReplyIsRequired', type: 'bool', description: 'the message awaits a reply' },
    { name: 'Notes', type: 'string', description: 'kept as ref notes' },
    { name: 'LinkedObjectId', type: 'Guid', description: 'kept as ref linkedObjectId' },
    { name: 'SuiteId', type: 'Guid', description: 'kept as ref suiteId' },
  ],
};

export const SMS_SEND: DtoType = {
  name: 'SMSSend',
  namespace: SMS_SEND_NAMESPACE,
  description: 'Saves the specified SMS and sends it for background processing',
  members: [
    { name: 'SMSModel', type: { kind: 'object', type: SMS_MODEL } },
    {
      name: 'CreateCommunicationReferencesImmediately',
      type: 'bool',
      description: 'accepted; references are always created before the answer',
    },
  ],
};

export const COMM_RESPONSE: DtoType = {
  name: 'CommResponse',
  namespace: SMS_SEND_NAMESPACE,
  members: [
    { name: 'CommId', type: 'Guid', description: 'a new GUID per request, kept as ref commId' },
    { name: 'Reference', type: 'string', description: 'the message ids, comma-separated' },
    { name: 'Status', type: 'bool' },
    { name: 'Message', type: 'string' },
  ],
};
