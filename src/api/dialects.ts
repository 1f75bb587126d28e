import type { Dialect } from './dialect.js';
import { accoladesDialect } from './dialects/accolades/accolades-dialect.js';
import { nativeDialect } from './native/native-dialect.js';

/** Every HTTP API the gateway speaks, in registration order. */
export const DIALECTS: readonly Dialect[] = [
  nativeDialect,
  accoladesDialect, // seed 003: POST /<accountNumber>/sms/send
];
