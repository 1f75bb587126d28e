import type { SessionState } from './smpp-session.js';

/** How an ESME binds: send only, receive only, or both on one connection. */
export const BIND_MODES = ['transmitter', 'receiver', 'transceiver'] as const;
export type BindMode = (typeof BIND_MODES)[number];

export const BIND_COMMAND = {
  transmitter: 'bind_transmitter',
  receiver: 'bind_receiver',
  transceiver: 'bind_transceiver',
} as const satisfies Record<BindMode, string>;

export const BOUND_STATE = {
  transmitter: 'bound_tx',
  receiver: 'bound_rx',
  transceiver: 'bound_trx',
} as const satisfies Record<BindMode, SessionState>;

/** The bind mode a bind request's command asks for. */
export function bindModeOf(command: string): BindMode | undefined {
  if (command === 'bind_transmitter') return 'transmitter';
  if (command === 'bind_receiver') return 'receiver';
  if (command === 'bind_transceiver') return 'transceiver';
  return undefined;
}

/** Whether a session in `state` may send submit_sm (TX or TRX). */
export function canTransmit(state: SessionState): boolean {
  return state === 'bound_tx' || state === 'bound_trx';
}

/** Whether a session in `state` receives deliver_sm (RX or TRX). */
export function canReceive(state: SessionState): boolean {
  return state === 'bound_rx' || state === 'bound_trx';
}
