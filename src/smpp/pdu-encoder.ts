import { COMMAND_IDS, isCommandName, isResponse } from './command-ids.js';
import type { DestAddress, Pdu, Tlv, UnsuccessSme } from './pdu.js';
import {
  DEST_ADDR_MAX,
  DL_NAME_MAX,
  type FieldSpec,
  MAX_DESTS,
  PDU_LAYOUTS,
  SHORT_MESSAGE_MAX,
} from './pdu-layouts.js';
import { SmppEncodeError } from './smpp-errors.js';

const HEADER_LENGTH = 16;

/**
 * Fails with the field's full path (`submit_sm.destination_addr`, `submit_multi.dest_addresses[2].dl_name`).
 * The path is only put together here, so a successful encode builds no strings.
 */
function fail(command: string, name: string, message: string): never {
  const field = name.slice(name.lastIndexOf('.') + 1);
  throw new SmppEncodeError(`${command}.${name} ${message}`, field);
}

function checkInt(value: unknown, max: number, command: string, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    fail(command, name, `must be an integer from 0 to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Size of a C-Octet String with its NUL; rejects a NUL inside it, non-Latin-1 characters and overflow. */
function cstringSize(
  value: unknown,
  max: number,
  command: string,
  name: string,
  exactLength?: number,
): number {
  if (typeof value !== 'string') fail(command, name, `must be a string, got ${typeof value}`);
  const length = value.length;
  if (length + 1 > max) fail(command, name, `is ${length + 1} octets with its NUL; the limit is ${max}`);
  if (exactLength !== undefined && length !== 0 && length !== exactLength) {
    fail(
      command,
      name,
      `must be empty or ${exactLength} characters (an SMPP time), got ${JSON.stringify(value)}`,
    );
  }
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0 || code > 0xff) {
      fail(command, name, `has a character (U+${code.toString(16)}) a C-Octet String cannot hold`);
    }
  }
  return length + 1;
}

function octetsSize(value: unknown, max: number, command: string, name: string): number {
  if (!(value instanceof Uint8Array)) fail(command, name, 'must be a Buffer');
  if (value.length > max) fail(command, name, `is ${value.length} octets; the limit is ${max}`);
  return value.length;
}

function listOf(value: unknown, max: number, command: string, name: string): unknown[] {
  if (!Array.isArray(value)) fail(command, name, 'must be an array');
  if (value.length > max) fail(command, name, `has ${value.length} entries; the limit is ${max}`);
  return value;
}

// submit_multi is rare, so its entries' paths are simply built up front.
function destSize(dest: DestAddress, command: string, path: string): number {
  if (dest.dest_flag === 2) return 1 + cstringSize(dest.dl_name, DL_NAME_MAX, command, `${path}.dl_name`);
  if (dest.dest_flag !== 1)
    fail(command, `${path}.dest_flag`, 'must be 1 (SME address) or 2 (distribution list)');
  checkInt(dest.dest_addr_ton, 0xff, command, `${path}.dest_addr_ton`);
  checkInt(dest.dest_addr_npi, 0xff, command, `${path}.dest_addr_npi`);
  return 3 + cstringSize(dest.destination_addr, DEST_ADDR_MAX, command, `${path}.destination_addr`);
}

function smeSize(sme: UnsuccessSme, command: string, path: string): number {
  checkInt(sme.dest_addr_ton, 0xff, command, `${path}.dest_addr_ton`);
  checkInt(sme.dest_addr_npi, 0xff, command, `${path}.dest_addr_npi`);
  checkInt(sme.error_status_code, 0xffffffff, command, `${path}.error_status_code`);
  return 6 + cstringSize(sme.destination_addr, DEST_ADDR_MAX, command, `${path}.destination_addr`);
}

/** Validates one field and returns its size on the wire. */
function fieldSize(field: FieldSpec, value: unknown, command: string): number {
  const name = field.name;
  switch (field.kind) {
    case 'u8':
      checkInt(value, 0xff, command, name);
      return 1;
    case 'cstring':
      return cstringSize(value, field.max, command, name);
    case 'time':
      return cstringSize(value, field.max, command, name, 16);
    case 'short_message':
      return 1 + octetsSize(value, SHORT_MESSAGE_MAX, command, name);
    case 'dest_addresses': {
      const dests = listOf(value, MAX_DESTS, command, name) as DestAddress[];
      return dests.reduce((size, dest, i) => size + destSize(dest, command, `${name}[${i}]`), 1);
    }
    case 'unsuccess_smes': {
      const smes = listOf(value, 0xff, command, name) as UnsuccessSme[];
      return smes.reduce((size, sme, i) => size + smeSize(sme, command, `${name}[${i}]`), 1);
    }
  }
}

// C-strings are short (at most 65 octets): a plain loop beats the call into Buffer.write.
function writeCString(out: Buffer, offset: number, value: string): number {
  const length = value.length;
  for (let i = 0; i < length; i++) out[offset + i] = value.charCodeAt(i);
  out[offset + length] = 0;
  return offset + length + 1;
}

function writeField(out: Buffer, offset: number, field: FieldSpec, value: unknown): number {
  switch (field.kind) {
    case 'u8':
      out[offset] = value as number;
      return offset + 1;
    case 'cstring':
    case 'time':
      return writeCString(out, offset, value as string);
    case 'short_message': {
      const bytes = value as Uint8Array;
      out[offset] = bytes.length;
      out.set(bytes, offset + 1);
      return offset + 1 + bytes.length;
    }
    case 'dest_addresses': {
      const dests = value as DestAddress[];
      out[offset++] = dests.length;
      for (const dest of dests) {
        out[offset++] = dest.dest_flag;
        if (dest.dest_flag === 2) {
          offset = writeCString(out, offset, dest.dl_name);
        } else {
          out[offset++] = dest.dest_addr_ton;
          out[offset++] = dest.dest_addr_npi;
          offset = writeCString(out, offset, dest.destination_addr);
        }
      }
      return offset;
    }
    case 'unsuccess_smes': {
      const smes = value as UnsuccessSme[];
      out[offset++] = smes.length;
      for (const sme of smes) {
        out[offset++] = sme.dest_addr_ton;
        out[offset++] = sme.dest_addr_npi;
        offset = writeCString(out, offset, sme.destination_addr);
        offset = out.writeUInt32BE(sme.error_status_code, offset);
      }
      return offset;
    }
  }
}

function isEmptyValue(field: FieldSpec, value: unknown): boolean {
  if (field.kind === 'u8') return value === 0;
  return (value as { length: number } | undefined)?.length === 0;
}

function tlvSize(tlv: Tlv, command: string, index: number): number {
  if (!Number.isInteger(tlv.tag) || tlv.tag < 0 || tlv.tag > 0xffff)
    checkInt(tlv.tag, 0xffff, command, `tlvs[${index}].tag`);
  const value = tlv.value;
  if (!(value instanceof Uint8Array) || value.length > 0xffff)
    octetsSize(value, 0xffff, command, `tlvs[${index}].value`);
  return 4 + value.length;
}

/**
 * Encodes a PDU into one freshly allocated Buffer (its length is computed first). Validates every field
 * against the spec's limits and throws `SmppEncodeError` naming the field; nothing is partly written.
 *
 * An error response whose fields are all empty and which has no TLVs is sent as a bare header, as the
 * spec asks of submit_sm_resp and most SMSCs do for every response.
 */
export function encodePdu(pdu: Pdu): Buffer {
  const command = pdu.command;
  if (!isCommandName(command))
    fail('pdu', 'command', `${JSON.stringify(command)} is not an SMPP 3.4 command`);
  const layout: readonly FieldSpec[] = PDU_LAYOUTS[command];
  const fields = pdu as unknown as Record<string, unknown>;
  checkInt(pdu.commandStatus, 0xffffffff, command, 'commandStatus');
  checkInt(pdu.sequenceNumber, 0xffffffff, command, 'sequenceNumber');
  if (!Array.isArray(pdu.tlvs)) fail(command, 'tlvs', 'must be an array');

  const bare =
    pdu.commandStatus !== 0 &&
    pdu.tlvs.length === 0 &&
    isResponse(command) &&
    layout.every((field) => isEmptyValue(field, fields[field.name]));

  const count = bare ? 0 : layout.length;
  // One keyed read per field; the size and write passes then share the values.
  const values: unknown[] = new Array(count);
  for (let i = 0; i < count; i++) values[i] = fields[layout[i]!.name];
  let length = HEADER_LENGTH;
  for (let i = 0; i < count; i++) length += fieldSize(layout[i]!, values[i], command);
  for (let i = 0; i < pdu.tlvs.length; i++) length += tlvSize(pdu.tlvs[i]!, command, i);

  const out = Buffer.allocUnsafe(length);
  out.writeUInt32BE(length, 0);
  out.writeUInt32BE(COMMAND_IDS[command], 4);
  out.writeUInt32BE(pdu.commandStatus, 8);
  out.writeUInt32BE(pdu.sequenceNumber, 12);
  let offset = HEADER_LENGTH;
  for (let i = 0; i < count; i++) offset = writeField(out, offset, layout[i]!, values[i]);
  for (const tlv of pdu.tlvs) {
    out.writeUInt16BE(tlv.tag, offset);
    out.writeUInt16BE(tlv.value.length, offset + 2);
    out.set(tlv.value, offset + 4);
    offset += 4 + tlv.value.length;
  }
  return out;
}
