import { ConnectorError } from '../../core/errors.js';
import type { ConnectorSink, OutboundMessage, UpstreamCallback } from '../connector.js';
import { HttpProviderConnector, type ParsedCallback } from '../http-common/http-provider-connector.js';
import type { BatchOutcome } from '../http-common/submit-batcher.js';
import { retryableStatus, upstreamRequest } from '../http-common/upstream-request.js';
import { clickatellReceiptState, isRetryableClickatellError } from './clickatell-codes.js';
import type { ClickatellConnectorConfig } from './clickatell-config.js';

interface ClickatellError {
  code?: number;
  description?: string;
}
interface ClickatellResult {
  apiMessageId?: string | null;
  accepted?: boolean;
  to?: string;
  error?: ClickatellError | string | null;
}

const digits = (number: string) => number.replace(/^\+/, '');

/**
 * Clickatell's One API (`POST /v1/message`, up to 200 messages a request). Per-message results
 * come back in request order (HTTP 202, 207 when mixed, 400 when none was accepted); the status and
 * inbound callbacks arrive at `/callbacks/<name>`.
 */
export class ClickatellConnector extends HttpProviderConnector {
  readonly type = 'clickatell';

  constructor(
    private readonly config: ClickatellConnectorConfig,
    sink: ConnectorSink,
  ) {
    super(config, sink);
  }

  protected async sendBatch(messages: readonly OutboundMessage[]): Promise<BatchOutcome[]> {
    const { config } = this;
    const response = await upstreamRequest({
      method: 'POST',
      url: `${config.baseUrl.replace(/\/+$/, '')}/v1/message`,
      headers: {
        authorization: config.apiKey,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({
        messages: messages.map((m) => ({
          channel: 'sms',
          to: digits(m.to),
          content: m.text,
          ...((m.from ?? config.from) ? { from: digits(m.from ?? config.from!) } : {}),
          clientMessageId: m.id,
        })),
      }),
      timeoutMs: config.timeoutMs,
    });
    const body = (response.json ?? {}) as { messages?: ClickatellResult[]; error?: ClickatellError | null };
    const results = Array.isArray(body.messages) ? body.messages : [];
    if (results.length === 0) {
      // The whole request was refused (or the answer is unreadable): one error for every message.
      const code = typeof body.error === 'object' && body.error ? body.error.code : undefined;
      const error = new ConnectorError(
        `Clickatell answered HTTP ${response.status}${body.error ? `: ${describe(body.error)}` : ''}`,
        {
          retryable: retryableStatus(response.status) || isRetryableClickatellError(code),
          rawCode: code !== undefined ? `clickatell:${code}` : `http:${response.status}`,
        },
      );
      return messages.map(() => error);
    }
    return messages.map((message, i) => {
      const result = results[i];
      if (result?.accepted && result.apiMessageId) return { upstreamIds: [result.apiMessageId] };
      const error = result?.error;
      const code = typeof error === 'object' && error ? error.code : undefined;
      return new ConnectorError(
        `Clickatell refused ${message.to}: ${error ? describe(error) : 'no result'}`,
        {
          retryable: isRetryableClickatellError(code),
          rawCode: code !== undefined ? `clickatell:${code}` : `http:${response.status}`,
        },
      );
    });
  }

  protected parseCallback(callback: UpstreamCallback): ParsedCallback {
    const body = callback.body as
      | { event?: { messageStatusUpdate?: unknown[]; moText?: unknown[] } }
      | undefined;
    if (!body || typeof body !== 'object' || !body.event || typeof body.event !== 'object') {
      throw new Error('not a Clickatell callback: no "event"');
    }
    const receipts = [];
    for (const raw of body.event.messageStatusUpdate ?? []) {
      const update = raw as { messageId?: string; statusCode?: number; status?: string; timestamp?: number };
      if (typeof update.messageId !== 'string' || typeof update.statusCode !== 'number') continue;
      const state = clickatellReceiptState(update.statusCode);
      if (!state) continue;
      receipts.push({
        connector: this.name,
        upstreamId: update.messageId,
        state,
        rawCode: `clickatell:${update.statusCode} ${update.status ?? ''}`.trim(),
        detail: null,
        at: typeof update.timestamp === 'number' ? update.timestamp : Date.now(),
      });
    }
    const inbound = [];
    for (const raw of body.event.moText ?? []) {
      const mo = raw as {
        messageId?: string;
        from?: string;
        to?: string;
        content?: string;
        timestamp?: number;
      };
      if (typeof mo.from !== 'string' || typeof mo.content !== 'string') continue;
      inbound.push({
        connector: this.name,
        from: mo.from,
        to: mo.to ?? '',
        text: mo.content,
        receivedAt: typeof mo.timestamp === 'number' ? mo.timestamp : Date.now(),
        upstreamId: typeof mo.messageId === 'string' ? mo.messageId : undefined,
      });
    }
    return { receipts, inbound };
  }
}

function describe(error: ClickatellError | string): string {
  if (typeof error === 'string') return error;
  return `${error.description ?? 'error'}${error.code !== undefined ? ` (code ${error.code})` : ''}`;
}
