import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../../accounts/roles.js';
import { Campaigns } from '../../../campaigns/campaigns.js';
import { InteractionTokens } from '../../../campaigns/interaction-tokens.js';
import type { GatewayError } from '../../../core/errors.js';
import type { Gateway } from '../../../gateway.js';
import { type Dialect, type DialectReply, dialectAuth } from '../../dialect.js';
import { dialectCredentialCheck } from '../../dialect-credential-check.js';
import { parseJsonBody } from '../../formats/json.js';
import { parseXml } from '../../formats/xml.js';
import { authenticateInteract } from './interact-auth.js';
import { INTERACT_PREFIX, isSoapRequest } from './interact-paths.js';
import { renderRestError } from './rest-replies.js';
import { registerRestRoutes } from './rest-routes.js';
import { XmlBody } from './soap-envelope.js';
import { renderSoapError } from './soap-replies.js';
import { registerSoapRoutes } from './soap-routes.js';

/**
 * Envelope, Body, request, field: four levels. A little room for headers; anything deeper is not
 * a request of this service and is refused by the parser before anything walks it.
 */
const SOAP_MAX_DEPTH = 12;

/** The moreInfoUrl of each gateway's 401s, for `renderError`, which is not given the gateway. */
const moreInfoUrls = new WeakMap<FastifyRequest['server'], string>();

/**
 * The Interact campaign SMS API (seed 004, docs/dialects/interact.md) under `/interact`: the REST
 * form (JSON in, text out) and the SOAP form (a WSDL and `CampaignSMSRequest`), both authenticated
 * by `Tenant-Id`, `Application-Key` and `Environment-Name` against an `application_key`
 * credential, both answering in the seed's words. Errors take the form of the path they happen on.
 */
export const interactDialect: Dialect = {
  name: 'interact',
  prefixes: [INTERACT_PREFIX],
  parsers: [
    { contentTypes: ['application/json'], parse: (body) => parseJsonBody(body) },
    {
      contentTypes: ['text/xml', 'application/soap+xml', 'application/xml'],
      parse: (body) => new XmlBody(parseXml(body, { maxDepth: SOAP_MAX_DEPTH })),
    },
  ],
  authenticate: (request: FastifyRequest, gateway: Gateway): Promise<Principal> =>
    authenticateInteract(request, dialectCredentialCheck(gateway, 'application_key')),
  renderError(error: GatewayError, request: FastifyRequest): DialectReply {
    if (isSoapRequest(request.url)) return renderSoapError(error);
    return renderRestError(error, moreInfoUrls.get(request.server) ?? '/interact/help');
  },
  routes(scope: FastifyInstance, _prefix: string, gateway: Gateway) {
    moreInfoUrls.set(scope, gateway.config.interact.moreInfoUrl);
    const parts = {
      campaigns: new Campaigns(gateway.store, gateway.config, () => [...gateway.connectors.keys()]),
      tokens: new InteractionTokens(gateway.store),
    };
    // Credentials are checked on request, before the body is read: an unauthenticated caller
    // learns nothing about what the parsers accept.
    const authenticate = dialectAuth(interactDialect, gateway);
    registerRestRoutes(scope, gateway, parts, authenticate);
    registerSoapRoutes(scope, gateway, parts, authenticate);
  },
};
