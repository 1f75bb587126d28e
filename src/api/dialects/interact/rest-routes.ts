import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CAMPAIGN_ID } from '../../../campaigns/campaigns.js';
import { deflectedCallReport } from '../../../campaigns/deflected-call-report.js';
import { ValidationError } from '../../../core/errors.js';
import { toE164 } from '../../../core/phone-numbers.js';
import type { Gateway } from '../../../gateway.js';
import { principalOf, sendReply } from '../../dialect.js';
import { type CampaignParts, sendCampaignSms } from './campaign-sms.js';
import { readCampaignSms } from './campaign-sms-fields.js';
import { INTERACT_HELP } from './interact-help.js';
import { HELP_PATH, REST_ACCOUNT_PATH } from './interact-paths.js';
import { restPlaced } from './interact-texts.js';
import { given, restBody } from './rest-body.js';
import { restJson, restText } from './rest-replies.js';

/** The longest life a caller may give a token. */
const MAX_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

type SmsParams = { accountId: string; campaignId: string; callerId?: string };

/**
 * The REST form (seed 004, version 3), under `/interact/version/3/account/{accountID}/resources`:
 *
 * - `POST campaign/sms/{CampaignId}` and `POST campaign/sms/{CampaignId}/callerid/{CallerId}`: send
 *   the campaign's SMS (`from`, `callerId`, `jpToken`, `additionalParams` and, as in the SOAP form,
 *   `sendFromMasterAccount`); the answers of the seed's table.
 * - `POST generateToken` (`campaignId`, `callerId`?, `expiresInSeconds`?): an interaction token.
 * - `GET reports/deflectedCalls` (`from`, `to`, `campaignId`?): the Deflected Call Report.
 *
 * `authenticate` runs first (onRequest), before the body is read.
 */
export function registerRestRoutes(
  scope: FastifyInstance,
  gateway: Gateway,
  parts: CampaignParts,
  authenticate: (request: FastifyRequest) => Promise<void>,
): void {
  const region = gateway.config.defaultRegion;
  const auth = { onRequest: authenticate };

  const sms = async (request: FastifyRequest<{ Params: SmsParams }>) => {
    const body = restBody(request.body);
    const pathCaller = request.params.callerId;
    const bodyCaller = given(body.callerId);
    const fields = readCampaignSms(
      {
        campaignId: request.params.campaignId,
        callerId: bodyCaller ?? pathCaller,
        from: body.from,
        jpToken: body.jpToken,
        additionalParams: body.additionalParams,
        sendFromMasterAccount: body.sendFromMasterAccount,
      },
      region,
    );
    // The sample sends the caller in the path and the body: both may, if they name one number.
    if (
      pathCaller !== undefined &&
      bodyCaller !== undefined &&
      toE164(pathCaller, 'callerId', region) !== fields.callerId
    ) {
      throw new ValidationError('callerId in the path and in the body are different numbers', 'callerId');
    }
    const placed = await sendCampaignSms(gateway, parts, principalOf(request), fields);
    return restText(200, restPlaced(placed.campaignId, placed.messageSid));
  };
  scope.post<{ Params: SmsParams }>(
    `${REST_ACCOUNT_PATH}/campaign/sms/:campaignId`,
    auth,
    async (request, reply) => sendReply(reply, await sms(request)),
  );
  scope.post<{ Params: SmsParams }>(
    `${REST_ACCOUNT_PATH}/campaign/sms/:campaignId/callerid/:callerId`,
    auth,
    async (request, reply) => sendReply(reply, await sms(request)),
  );

  scope.post(`${REST_ACCOUNT_PATH}/generateToken`, auth, async (request, reply) => {
    const principal = principalOf(request);
    const body = restBody(request.body);
    const campaignId = given(body.campaignId);
    if (typeof campaignId !== 'string' || !CAMPAIGN_ID.test(campaignId)) {
      throw new ValidationError('campaignId is required', 'campaignId');
    }
    const caller = given(body.callerId);
    if (caller !== undefined && typeof caller !== 'string')
      throw new ValidationError('callerId must be a string', 'callerId');
    const callerId = caller === undefined ? undefined : toE164(caller, 'callerId', region);
    const ttl = given(body.expiresInSeconds) ?? gateway.config.campaigns.tokenTtlSeconds;
    if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECONDS) {
      throw new ValidationError(`expiresInSeconds must be 1 to ${MAX_TOKEN_TTL_SECONDS}`, 'expiresInSeconds');
    }
    const campaign = await parts.campaigns.get(principal.accountId, campaignId);
    const row = await parts.tokens.issue({
      accountId: principal.accountId,
      campaignId: campaign.id,
      callerId,
      ttlSeconds: ttl,
    });
    return sendReply(
      reply,
      restJson(200, {
        jpToken: row.token,
        campaignId: row.campaign_id,
        callerId: row.caller_id,
        expiresAt: new Date(row.expires_at).toISOString(),
        smsSent: false,
      }),
    );
  });

  scope.get<{ Querystring: Record<string, unknown> }>(
    `${REST_ACCOUNT_PATH}/reports/deflectedCalls`,
    auth,
    async (request, reply) => {
      const query = request.query ?? {};
      const text = (name: string) => {
        const value = query[name];
        if (value === undefined || value === '') return undefined;
        if (typeof value !== 'string') throw new ValidationError(`${name} is given more than once`, name);
        return value;
      };
      const report = await deflectedCallReport(gateway.store, {
        accountId: principalOf(request).accountId,
        from: text('from'),
        to: text('to'),
        campaignId: text('campaignId'),
      });
      return sendReply(reply, restJson(200, report));
    },
  );

  scope.get(HELP_PATH, async (_request, reply) => sendReply(reply, restText(200, INTERACT_HELP)));
}
