import type { Dialect } from './dialect.js';
import { serviceStackDialect } from './dialects/servicestack/servicestack-dialect.js';
import { nativeDialect } from './native/native-dialect.js';

/** Every HTTP API the gateway speaks, in registration order. */
export const DIALECTS: readonly Dialect[] = [
  nativeDialect,
  // seeds 000–002: SendSmsRequest and SMSSend
  serviceStackDialect,
];
