import { ValidationError } from '../../core/errors.js';

/** The wire formats whose bodies these codecs read. */
export const WIRE_FORMATS = ['jsv', 'xml', 'form', 'multipart'] as const;
/** One of {@link WIRE_FORMATS}. */
export type WireFormat = (typeof WIRE_FORMATS)[number];

/**
 * A request body (or query value) that could not be read in its wire format: malformed, over a
 * limit, or in a form we refuse. Always a 400, like .NET's `SerializationException`; dialects catch
 * this one class to answer in their own error shape. The codecs throw nothing else on bad input.
 */
export class WireFormatError extends ValidationError {
  /** The format being read. */
  readonly format: WireFormat;
  /** Character offset (or byte offset for binary input) where the problem was found, when known. */
  readonly position: number | undefined;

  constructor(format: WireFormat, message: string, options?: { code?: string; position?: number }) {
    super(message, undefined, options?.code ?? `invalid_${format}`);
    this.format = format;
    this.position = options?.position;
  }
}

/** Malformed JSV, or JSV nested or sized past the parser's limits. */
export class JsvSyntaxError extends WireFormatError {
  constructor(message: string, position?: number, code?: string) {
    super('jsv', message, { position, ...(code === undefined ? {} : { code }) });
  }
}

/** Malformed XML, XML past the parser's limits, or XML in an encoding we do not read. */
export class XmlSyntaxError extends WireFormatError {
  constructor(message: string, position?: number, code?: string) {
    super('xml', message, { position, ...(code === undefined ? {} : { code }) });
  }
}

/**
 * The XML has a document type declaration (DOCTYPE, hence possibly entity declarations or external
 * entities). Refused outright, as .NET's `XmlReader` does by default (`DtdProcessing.Prohibit`):
 * that closes billion-laughs expansion and external-entity (XXE) reads in one rule.
 */
export class XmlDtdError extends XmlSyntaxError {
  constructor(position?: number) {
    super(
      'For security reasons DTD is prohibited in this XML document (no DOCTYPE or entity declarations)',
      position,
      'xml_dtd_prohibited',
    );
  }
}

/** A malformed `application/x-www-form-urlencoded` or `multipart/form-data` body, or one past a limit. */
export class FormBodyError extends WireFormatError {
  constructor(format: 'form' | 'multipart', message: string, position?: number) {
    super(format, message, { position });
  }
}
