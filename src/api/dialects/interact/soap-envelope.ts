import { ValidationError } from '../../../core/errors.js';
import { type XmlElement, xmlAttribute } from '../../formats/xml.js';
import type { RawCampaignSms } from './campaign-sms-fields.js';
import { AGENT_NS, SOAP_ENVELOPE_NS } from './soap-xml.js';

const SOAP12_ENVELOPE_NS = 'http://www.w3.org/2003/05/soap-envelope';

/** The request elements of `CampaignSMSRequest`, in the WSDL's order. */
export const CAMPAIGN_SMS_FIELDS = [
  'campaignId',
  'additionalParams',
  'callerId',
  'from',
  'sendFromMasterAccount',
  'jpToken',
] as const;
type CampaignSmsField = (typeof CAMPAIGN_SMS_FIELDS)[number];

/** A parsed XML body, told apart from a JSON one by its class. */
export class XmlBody {
  constructor(readonly root: XmlElement) {}
}

/** 400: the body is XML but not a SOAP 1.1 envelope this service reads; a fault with `faultcode`. */
export class SoapEnvelopeError extends ValidationError {
  constructor(
    message: string,
    readonly faultcode = 'SOAP-ENV:Client',
  ) {
    super(message, undefined, 'invalid_soap_envelope');
  }
}

const isSoap = (element: XmlElement, name: string) =>
  element.ns === SOAP_ENVELOPE_NS && element.name === name;

/**
 * Reads the `CampaignSMSRequest` of a SOAP 1.1 envelope into its fields (element texts; a field
 * sent twice or holding elements is a 400 naming it). Anything else — another root, a SOAP 1.2
 * envelope, no Body or two, no operation or another one, a header block that must be understood —
 * is a SoapEnvelopeError. Elements of other namespaces inside the request are ignored.
 */
export function readCampaignSmsEnvelope(root: XmlElement): RawCampaignSms {
  if (root.name === 'Envelope' && root.ns === SOAP12_ENVELOPE_NS) {
    throw new SoapEnvelopeError(
      'This service speaks SOAP 1.1; send a SOAP 1.1 envelope',
      'SOAP-ENV:VersionMismatch',
    );
  }
  if (!isSoap(root, 'Envelope')) {
    throw new SoapEnvelopeError(`The body is not a SOAP envelope (its root is ${qualified(root)})`);
  }
  for (const header of root.children.filter((child) => isSoap(child, 'Header'))) {
    const required = header.children.find((block) => {
      const flag = xmlAttribute(block, 'mustUnderstand', SOAP_ENVELOPE_NS)?.trim();
      return flag === '1' || flag === 'true';
    });
    if (required) {
      throw new SoapEnvelopeError(
        `Header block ${qualified(required)} is not understood`,
        'SOAP-ENV:MustUnderstand',
      );
    }
  }
  const bodies = root.children.filter((child) => isSoap(child, 'Body'));
  if (bodies.length !== 1) throw new SoapEnvelopeError('A SOAP envelope has exactly one Body');
  const operations = bodies[0]!.children;
  const operation = operations[0];
  if (operations.length !== 1 || operation === undefined) {
    throw new SoapEnvelopeError('The SOAP Body must hold exactly one request element');
  }
  if (operation.ns !== AGENT_NS || operation.name !== 'CampaignSMSRequest') {
    throw new SoapEnvelopeError(
      `Unknown operation ${qualified(operation)}; this service has {${AGENT_NS}}CampaignSMSRequest`,
    );
  }
  const values: Partial<Record<CampaignSmsField, string>> = {};
  for (const child of operation.children) {
    if (child.ns !== AGENT_NS || !(CAMPAIGN_SMS_FIELDS as readonly string[]).includes(child.name)) continue;
    const field = child.name as CampaignSmsField;
    if (values[field] !== undefined || child.children.length > 0) {
      throw new ValidationError(`${field} must be given once, as text`, field);
    }
    values[field] = child.text;
  }
  return {
    campaignId: values.campaignId,
    callerId: values.callerId,
    from: values.from,
    jpToken: values.jpToken,
    additionalParams: values.additionalParams,
    sendFromMasterAccount: values.sendFromMasterAccount,
  };
}

function qualified(element: XmlElement): string {
  return element.ns === '' ? element.name : `{${element.ns}}${element.name}`;
}
