import { ConnectorError } from '../../core/errors.js';
import type { ConnectorSink, OutboundMessage, ReceiptState, UpstreamCallback } from '../connector.js';
import { HttpProviderConnector, type ParsedCallback } from '../http-common/http-provider-connector.js';
import type { BatchOutcome } from '../http-common/submit-batcher.js';
import { retryableStatus, upstreamRequest } from '../http-common/upstream-request.js';
import type { GrandcomConnectorConfig } from './grandcom-config.js';

interface GrandcomResult {
  apiMessageId?: string | null;
  accepted?: boolean;
  hasError?: boolean;
  to?: string;
  error?: string | null;
}

/** Per-message errors that say "later" rather than "never". */
const RETRYABLE_ERROR = /throttl|rate.?limit|busy|try again|temporar/i;

const STATES: Record<string, ReceiptState> = {
  SENT: 'enroute',
  DELIVERED: 'delivered',
  UNDELIVERED: 'undelivered',
  FAILED: 'undelivered',
  EXPIRED: 'expired',
  REJECTED: 'rejected',
};

/** Grandcom's messages API as seed 000 shows it (see grandcom-config.ts for what is assumed). */
export class GrandcomConnector extends HttpProviderConnector {
  readonly type = 'grandcom';

  constructor(
    private readonly config: GrandcomConnectorConfig,
    sink: ConnectorSink,
  ) {
    super(config, sink);
  }

  protected async sendBatch(messages: readonly OutboundMessage[]): Promise<BatchOutcome[]> {
    const { config } = this;
    const response = await upstreamRequest({
      method: 'POST',
      url: `${config.baseUrl.replace(/\/+$/, '')}${config.sendPath}`,
      headers: {
        authorization: `Basic ${Buffer.from(`${config.username}:${config.password}`).toString('base64')}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({
        messages: messages.map((m) => ({
          channel: 'sms',
          to: m.to,
          content: m.text,
          ...((m.from ?? config.from) ? { from: m.from ?? config.from } : {}),
          clientMessageId: m.id,
        })),
      }),
      timeoutMs: config.timeoutMs,
    });
    const body = (response.json ?? {}) as { messages?: GrandcomResult[]; error?: string | null };
    const results = Array.isArray(body.messages) ? body.messages : [];
    if (results.length === 0 || response.status >= 400) {
      const error = new ConnectorError(
        `Grandcom answered HTTP ${response.status}${body.error ? `: ${body.error}` : ''}`,
        { retryable: retryableStatus(response.status), rawCode: `http:${response.status}` },
      );
      return messages.map(() => error);
    }
    return messages.map((message, i) => {
      const result = results[i];
      if (result?.accepted && !result.hasError && result.apiMessageId)
        return { upstreamIds: [result.apiMessageId] };
      const reason = result?.error ?? 'no result';
      return new ConnectorError(`Grandcom refused ${message.to}: ${reason}`, {
        retryable: RETRYABLE_ERROR.test(reason),
        rawCode: `grandcom:${reason}`,
      });
    });
  }

  protected parseCallback(callback: UpstreamCallback): ParsedCallback {
    const items = Array.isArray(callback.body) ? callback.body : [callback.body];
    const receipts = [];
    for (const raw of items) {
      const update = raw as {
        apiMessageId?: string;
        status?: string;
        error?: string | null;
        timestamp?: string;
      };
      if (!update || typeof update.apiMessageId !== 'string' || typeof update.status !== 'string') {
        throw new Error('not a Grandcom status callback: apiMessageId and status are required');
      }
      const state = STATES[update.status.toUpperCase()];
      if (!state) continue;
      const at = update.timestamp ? Date.parse(update.timestamp) : Number.NaN;
      receipts.push({
        connector: this.name,
        upstreamId: update.apiMessageId,
        state,
        rawCode: `grandcom:${update.status}${update.error ? ` ${update.error}` : ''}`,
        detail: update.error ?? null,
        at: Number.isFinite(at) ? at : Date.now(),
      });
    }
    return { receipts, inbound: [] };
  }
}
