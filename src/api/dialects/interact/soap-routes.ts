import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../../core/errors.js';
import type { Gateway } from '../../../gateway.js';
import { principalOf, sendReply } from '../../dialect.js';
import { agentWsdl } from './agent-wsdl.js';
import { type CampaignParts, sendCampaignSms } from './campaign-sms.js';
import { readCampaignSms } from './campaign-sms-fields.js';
import { INTERACT_PREFIX, SOAP_ENDPOINT_PATH, SOAP_WSDL_PATH } from './interact-paths.js';
import { readCampaignSmsEnvelope, XmlBody } from './soap-envelope.js';
import { soapPlacedReply } from './soap-replies.js';

/** A Host header that is a host name or address and an optional port, nothing else. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * Where the WSDL tells clients to post: the host they fetched it from (as SOAP servers do, so it is
 * right behind any name or port forwarding), if that Host header is a plain host and port;
 * otherwise the address the gateway listens on.
 */
function endpointUrl(request: FastifyRequest, gateway: Gateway): string {
  const host = request.headers.host;
  const origin = typeof host === 'string' && HOST.test(host) ? `${request.protocol}://${host}` : gateway.url;
  return origin + INTERACT_PREFIX + SOAP_ENDPOINT_PATH;
}

/**
 * The SOAP form (seed 004): `GET …/agent/soap/agent.wsdl` (no credentials needed) and the
 * `CampaignSMSRequest` operation posted to `…/agent/soap` with the same headers as the REST form.
 */
export function registerSoapRoutes(
  scope: FastifyInstance,
  gateway: Gateway,
  parts: CampaignParts,
  authenticate: (request: FastifyRequest) => Promise<void>,
): void {
  scope.get(SOAP_WSDL_PATH, async (request, reply) =>
    sendReply(reply, {
      status: 200,
      contentType: 'text/xml; charset=utf-8',
      body: agentWsdl(endpointUrl(request, gateway)),
      // Built from the request's Host: no shared cache may hand it to another host's clients.
      headers: { 'cache-control': 'no-store' },
    }),
  );

  scope.post(SOAP_ENDPOINT_PATH, { onRequest: authenticate }, async (request, reply) => {
    if (!(request.body instanceof XmlBody)) {
      throw new GatewayError(415, 'unsupported_media_type', 'Send a SOAP 1.1 envelope as text/xml');
    }
    const raw = readCampaignSmsEnvelope(request.body.root);
    const fields = readCampaignSms(raw, gateway.config.defaultRegion);
    const placed = await sendCampaignSms(gateway, parts, principalOf(request), fields);
    return sendReply(reply, soapPlacedReply(placed.campaignId, placed.messageSid));
  });
}
