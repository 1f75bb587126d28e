import { ConnectorError } from '../../core/errors.js';
import type { ConnectorSink, DeliveryReceipt, OutboundMessage, UpstreamCallback } from '../connector.js';
import { HttpProviderConnector, type ParsedCallback } from '../http-common/http-provider-connector.js';
import { readText } from '../http-common/json-path.js';
import type { BatchOutcome } from '../http-common/submit-batcher.js';
import { retryableStatus, upstreamRequest } from '../http-common/upstream-request.js';
import type { HttpConnectorConfig } from './http-connector-config.js';
import { HeaderTemplate, renderBody, templateValues, UrlTemplate } from './message-template.js';

/**
 * A provider the gateway was never coded for, described by configuration alone
 * (docs/providers.md has a Twilio-style form API and a JSON API as worked examples). One message
 * per request.
 */
export class HttpConnector extends HttpProviderConnector {
  readonly type = 'http';
  private readonly url: UrlTemplate;
  private readonly headers: readonly HeaderTemplate[];

  constructor(
    private readonly config: HttpConnectorConfig,
    sink: ConnectorSink,
  ) {
    super({ ...config, batchSize: 1, batchWaitMs: 0 }, sink);
    // The config schema checked these already; compiled once here.
    const where = `connector ${config.name}`;
    this.url = new UrlTemplate(config.url, `${where}: url`);
    this.headers = Object.entries(config.headers).map(
      ([name, value]) => new HeaderTemplate(name, value, `${where}: headers.${name}`),
    );
  }

  protected async sendBatch(messages: readonly OutboundMessage[]): Promise<BatchOutcome[]> {
    return Promise.all(messages.map((m) => this.sendOne(m).catch((error: Error) => error)));
  }

  private async sendOne(message: OutboundMessage): Promise<BatchOutcome> {
    const { config } = this;
    const values = templateValues(message, config.callbackUrl);
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const header of this.headers) headers[header.name.toLowerCase()] = header.render(values);
    if (config.auth?.type === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')}`;
    } else if (config.auth?.type === 'bearer') {
      headers.authorization = `Bearer ${config.auth.token}`;
    } else if (config.auth?.type === 'header') {
      headers[config.auth.name.toLowerCase()] = config.auth.value;
    }
    let url = this.url.render(values);
    let body: string | undefined;
    if (config.body) {
      const fields = renderBody(config.body.fields, values) as Record<string, unknown>;
      const form = () =>
        new URLSearchParams(
          Object.entries(fields).map(([k, v]): [string, string] => [
            k,
            typeof v === 'string' ? v : JSON.stringify(v),
          ]),
        );
      if (config.method === 'GET') {
        const query = form().toString();
        const hash = url.indexOf('#');
        const [base, fragment] = hash < 0 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
        if (query) url = `${base}${base.includes('?') ? '&' : '?'}${query}${fragment}`;
      } else if (config.body.format === 'form') {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        body = form().toString();
      } else {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(fields);
      }
    }
    const response = await upstreamRequest({
      method: config.method,
      url,
      headers,
      body,
      timeoutMs: config.timeoutMs,
    });
    const answer = response.json ?? {};
    const spec = config.response;
    const retryStatus = spec.retryOnStatus
      ? spec.retryOnStatus.includes(response.status)
      : retryableStatus(response.status);
    const flagOk =
      spec.successPath === undefined || readText(answer, spec.successPath) === String(spec.successEquals);
    const id = readText(answer, spec.idPath);
    if (response.status >= 200 && response.status < 300 && flagOk && id) return { upstreamIds: [id] };
    const code = spec.errorCodePath ? readText(answer, spec.errorCodePath) : undefined;
    // Only the provider's error text (errorPath) is shown, never its raw body: that may be an
    // error page naming its internals, and the message's history is the client's to read.
    const text = spec.errorPath ? readText(answer, spec.errorPath) : undefined;
    return new ConnectorError(`${config.name} answered HTTP ${response.status}${text ? `: ${text}` : ''}`, {
      retryable: retryStatus || (code !== undefined && spec.retryOnErrorCodes.includes(code)),
      rawCode: code !== undefined ? `${config.name}:${code}` : `http:${response.status}`,
    });
  }

  protected parseCallback(callback: UpstreamCallback): ParsedCallback {
    const spec = this.config.callback;
    if (!spec) throw new Error(`connector ${this.name} has no callback settings`);
    const source = callback.method === 'GET' ? callback.query : callback.body;
    const id = readText(source, spec.idPath);
    const status = readText(source, spec.statusPath);
    if (id === undefined || status === undefined) {
      throw new Error(`not a status callback: ${spec.idPath} and ${spec.statusPath} are required`);
    }
    const state = spec.statusMap[status];
    if (!state) return { receipts: [], inbound: [] };
    const error = spec.errorPath ? readText(source, spec.errorPath) : undefined;
    const receipt: DeliveryReceipt = {
      connector: this.name,
      upstreamId: id,
      state,
      rawCode: error ? `${status} ${error}` : status,
      detail: null,
      at: Date.now(),
    };
    return { receipts: [receipt], inbound: [] };
  }
}
