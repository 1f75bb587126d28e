// A logger whose JSON lines the test can read back. Not a test file.
import { PassThrough } from 'node:stream';
import { createLogger, type Logger } from '../../src/core/logger.js';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A real pino logger at `level` writing into memory; `lines` are the parsed records so far. */
export function captureLogs(
  level = 'info',
  options: { logMessageContent?: boolean } = {},
): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const out = new PassThrough();
  let pending = '';
  out.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part) as LogLine);
  });
  return { logger: createLogger(level, { destination: out, ...options }), lines };
}
