import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../config/schema.js';
import type { ErrorBody } from './error-body.js';

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (a request that did not
 * arrive within `http.requestTimeoutMs` / `headersTimeoutMs`, headers too large, bytes that are
 * not HTTP) in the native error shape, then closes the connection.
 */
export function clientErrorHandler(limits: Config['http']) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection, or one already gone: nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, body]: [number, ErrorBody] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [
            408,
            {
              error: {
                code: 'request_timeout',
                message: `The request did not arrive in time: its headers must come within ${limits.headersTimeoutMs} ms, all of it within ${limits.requestTimeoutMs} ms`,
              },
            },
          ]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, { error: { code: 'headers_too_large', message: 'The request headers are too large' } }]
          : [400, { error: { code: 'invalid_request', message: 'The request is not valid HTTP' } }];
    if (socket.writable) {
      const text = JSON.stringify(body);
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
    }
    socket.destroy(error);
  };
}
