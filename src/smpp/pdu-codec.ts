/**
 * The SMPP 3.4 PDU codec: `encodePdu` (PDU → one Buffer) and `decodePdu` (one complete frame → PDU).
 * Feed `decodePdu` the frames `PduFramer` cuts from the byte stream.
 */
export { decodePdu } from './pdu-decoder.js';
export { encodePdu } from './pdu-encoder.js';
