import { pino } from 'pino';
import { currentRequestContext } from './request-context.js';

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** Where the JSON lines go (stdout by default). */
  readonly destination?: NodeJS.WritableStream | undefined;
  /** Leave message text and phone numbers readable (`logMessageContent`); secrets stay redacted. */
  readonly logMessageContent?: boolean | undefined;
}

/** Credentials: redacted whatever the configuration says. */
const SECRET_PATHS = [
  'req.headers.authorization',
  'req.headers["application-key"]',
  'headers.authorization',
  'authorization',
  'password',
  'apiKey',
  'secret',
  'token',
  'authToken',
  '*.password',
  '*.apiKey',
  '*.secret',
  '*.token',
  '*.authToken',
];

/** Personal data (message bodies, phone numbers): redacted unless `logMessageContent` is on. */
const CONTENT_PATHS = [
  'text',
  'body',
  'to',
  'from',
  'recipient',
  'sender',
  '*.text',
  '*.body',
  '*.to',
  '*.from',
];

/**
 * The process logger: JSON lines. A line written while a request is being served carries its
 * `reqId` (from the request context), so a message's history (which names the accepting request)
 * leads to every line about it. Message bodies, phone numbers and credentials are never logged on
 * purpose; `redact` is the backstop for fields that slip through (bodies and numbers only while
 * `logMessageContent` is off).
 */
export function createLogger(level: string, options: LoggerOptions | NodeJS.WritableStream = {}): Logger {
  const { destination, logMessageContent } = isStream(options) ? { destination: options } : options;
  return pino(
    {
      level,
      base: undefined,
      mixin() {
        const context = currentRequestContext();
        return context ? { reqId: context.requestId } : {};
      },
      redact: {
        paths: logMessageContent ? SECRET_PATHS : [...SECRET_PATHS, ...CONTENT_PATHS],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}

function isStream(value: unknown): value is NodeJS.WritableStream {
  return typeof (value as NodeJS.WritableStream).write === 'function';
}
