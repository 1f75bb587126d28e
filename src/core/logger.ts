import { pino } from 'pino';

export type Logger = pino.Logger;

/**
 * The process logger. Message bodies, phone numbers and credentials are never logged unless
 * `logMessageContent` is on; `redact` is the backstop for fields that slip through.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["application-key"]',
          'password',
          'apiKey',
          'text',
          'body',
          '*.password',
          '*.apiKey',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}
