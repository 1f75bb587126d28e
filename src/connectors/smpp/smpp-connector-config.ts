import { z } from 'zod';
import { BIND_MODES } from '../../smpp/bind-modes.js';

const octet = z.number().int().min(0).max(255);

/** How long messages travel: UDH concatenation (8- or 16-bit reference), SAR TLVs, or one message_payload. */
export const LONG_MESSAGE_MODES = ['udh8', 'udh16', 'sar', 'payload'] as const;
export type LongMessageMode = (typeof LONG_MESSAGE_MODES)[number];

/** How an upstream writes message ids: as opaque text, or as a hexadecimal or decimal number. */
export const ID_FORMATS = ['text', 'hex', 'decimal'] as const;
export type IdFormat = (typeof ID_FORMATS)[number];

/** An SMPP 3.4 upstream (an operator's or aggregator's SMSC). */
export const smppConnectorSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .regex(/^[a-z0-9][a-z0-9_-]*$/i, 'letters, digits, - and _ only'),
    type: z.literal('smpp'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(2775),
    systemId: z.string().min(1).max(15),
    password: z.string().max(8).default(''),
    systemType: z.string().max(12).default(''),
    bindMode: z.enum(BIND_MODES).default('transceiver'),
    /** Binds of `bindMode` to keep up. */
    binds: z.number().int().min(1).max(64).default(1),
    /** Extra receiver binds (for receipts and inbound when `bindMode` is transmitter). */
    receiverBinds: z.number().int().min(0).max(64).default(0),
    /** Unanswered submit_sm allowed per bind. */
    window: z.number().int().min(1).max(10_000).default(10),
    /** Submit_sm per second across all binds (each segment counts); 0 = no cap. */
    throughputPerSecond: z.number().min(0).default(0),
    enquireLinkSeconds: z.number().min(1).default(30),
    responseTimeoutSeconds: z.number().min(1).default(10),
    reconnectMinSeconds: z.number().min(0.05).default(1),
    reconnectMaxSeconds: z.number().min(0.1).default(60),
    /** Connect over TLS; an object passes `rejectUnauthorized` and a PEM `ca`. */
    tls: z
      .union([
        z.boolean(),
        z.object({ rejectUnauthorized: z.boolean().optional(), ca: z.string().optional() }).strict(),
      ])
      .default(false),
    serviceType: z.string().max(5).default(''),
    /** Overrides of the TON/NPI chosen from each address. */
    sourceTon: octet.optional(),
    sourceNpi: octet.optional(),
    destTon: octet.optional(),
    destNpi: octet.optional(),
    /** data_coding for GSM texts: 0 (SMSC default alphabet) unless the SMSC wants another. */
    gsmDataCoding: octet.default(0),
    /** Pack GSM septets 8-in-7 in short_message (most SMSCs expect them unpacked, one per octet). */
    gsmPacked: z.boolean().default(false),
    /** Send texts that fit Latin-1 but not GSM as data_coding 3 instead of UCS-2. */
    latin1: z.boolean().default(false),
    longMessages: z.enum(LONG_MESSAGE_MODES).default('udh8'),
    registeredDelivery: z.boolean().default(true),
    /** How submit_sm_resp ids and receipt ids are written, so both normalise to the same key. */
    submitIdFormat: z.enum(ID_FORMATS).default('text'),
    receiptIdFormat: z.enum(ID_FORMATS).default('text'),
  })
  .strict();

export type SmppConnectorConfig = z.output<typeof smppConnectorSchema>;
