import type { SenderKind } from '../../core/phone-numbers.js';
import { NPI, TON } from '../../smpp/pdu-flags.js';

export interface NumberedAddress {
  addr: string;
  ton: number;
  npi: number;
}

/** The destination as SMPP wants it: international E.164 digits without the plus (TON 1, NPI 1). */
export function destinationAddress(e164: string, override: { ton?: number; npi?: number }): NumberedAddress {
  return {
    addr: e164.replace(/^\+/, ''),
    ton: override.ton ?? TON.INTERNATIONAL,
    npi: override.npi ?? NPI.ISDN,
  };
}

/**
 * The source address with TON/NPI chosen from its kind: international numbers 1/1, short codes
 * 3/0 (network specific), alphanumeric 5/0; no sender leaves it to the SMSC (0/0, empty).
 */
export function sourceAddress(
  value: string | null,
  kind: SenderKind | null,
  override: { ton?: number; npi?: number },
): NumberedAddress {
  let numbered: NumberedAddress;
  if (value === null || kind === null) numbered = { addr: '', ton: TON.UNKNOWN, npi: NPI.UNKNOWN };
  else if (kind === 'international')
    numbered = { addr: value.replace(/^\+/, ''), ton: TON.INTERNATIONAL, npi: NPI.ISDN };
  else if (kind === 'shortcode') numbered = { addr: value, ton: TON.NETWORK_SPECIFIC, npi: NPI.UNKNOWN };
  else numbered = { addr: value, ton: TON.ALPHANUMERIC, npi: NPI.UNKNOWN };
  return { addr: numbered.addr, ton: override.ton ?? numbered.ton, npi: override.npi ?? numbered.npi };
}
