import { ConnectorError } from '../../core/errors.js';
import type { OutboundMessage } from '../connector.js';

export const TEMPLATE_VARIABLES = [
  'to',
  'toDigits',
  'from',
  'fromDigits',
  'text',
  'id',
  'callbackUrl',
  'segments',
  'encoding',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateValues = Readonly<Record<TemplateVariable, string>>;

/**
 * Where a template is used. Each place writes values its own way: `url` percent-encodes them for
 * the path or the query they land in, `header` refuses what a header cannot carry, and `body`
 * leaves them to the body format (form encoding, JSON).
 */
export type TemplatePlace = 'url' | 'header' | 'body';

/** Any `{{…}}`: what is inside is checked, so a misspelt placeholder is an error, not literal text. */
const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
/** `name` or `raw:name` (spaces allowed around the parts). */
const INSIDE = /^\s*(?:([A-Za-z]+)\s*:\s*)?([A-Za-z]+)\s*$/;

interface Placeholder {
  readonly variable: TemplateVariable;
  /** `{{raw:…}}`: the value goes into the URL as it is (the config asked for it). */
  readonly raw: boolean;
}

/** A template's literal text and placeholders, in order. */
type Part = string | Placeholder;

function isVariable(name: string): name is TemplateVariable {
  return (TEMPLATE_VARIABLES as readonly string[]).includes(name);
}

/** Splits a template into literal text and checked placeholders; throws naming what is wrong. */
function parse(template: string, where: string, place: TemplatePlace): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const inside = INSIDE.exec(match[1]!);
    const [modifier, name] = inside ? [inside[1], inside[2]!] : [undefined, undefined];
    if (name === undefined || !isVariable(name)) {
      throw new Error(
        `${where}: unknown template variable ${match[0]}; known: ${TEMPLATE_VARIABLES.join(', ')} (write {{name}}, or {{raw:name}} in a URL)`,
      );
    }
    if (modifier !== undefined && modifier !== 'raw') {
      throw new Error(`${where}: ${match[0]}: the only modifier is raw: ({{raw:${name}}})`);
    }
    if (modifier === 'raw' && place !== 'url') {
      throw new Error(
        place === 'header'
          ? `${where}: ${match[0]}: header values are never raw (a value with a line break is always refused)`
          : `${where}: ${match[0]}: body values are never raw (the body format encodes every value)`,
      );
    }
    if (match.index > last) parts.push(template.slice(last, match.index));
    parts.push({ variable: name, raw: modifier === 'raw' });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

/**
 * Throws naming the first bad placeholder anywhere in `value` (a string, or the strings of a
 * JSON-like value) used in `place`: unknown variables, unknown modifiers, `raw:` outside a URL.
 */
export function checkTemplate(value: unknown, where: string, place: TemplatePlace): void {
  if (typeof value === 'string') {
    parse(value, where, place);
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) checkTemplate(v, `${where}[${i}]`, place);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) checkTemplate(v, `${where}.${key}`, place);
  }
}

/** The values one message gives the template variables. */
export function templateValues(message: OutboundMessage, callbackUrl: string | undefined): TemplateValues {
  return {
    to: message.to,
    toDigits: message.to.replace(/^\+/, ''),
    from: message.from ?? '',
    fromDigits: (message.from ?? '').replace(/^\+/, ''),
    text: message.text,
    id: message.id,
    callbackUrl: callbackUrl ?? '',
    segments: String(message.segments),
    encoding: message.encoding,
  };
}

/** A template that cannot take this message's values: the message is refused, never retried. */
function refuse(message: string, rawCode: string): ConnectorError {
  return new ConnectorError(message, { retryable: false, rawCode });
}

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * A URL template, checked once at start. The scheme and host are literal (no placeholder may
 * change where a request goes); every `{{name}}` is percent-encoded for where it lands, so a value
 * can never add a query parameter, end the query (`#`), add a path segment or climb out of the
 * path (a value that would make a segment `.` or `..` refuses the message). `{{raw:name}}` is
 * written as it is.
 */
export class UrlTemplate {
  /** Everything before the path: `https://host:port`. */
  private readonly origin: string;
  /** The path's segments (each its own parts), the rest (`?query#fragment`) as one run of parts. */
  private readonly segments: Part[][];
  private readonly rest: Part[];

  constructor(template: string, where: string) {
    const origin = /^https?:\/\/[^/?#]+/i.exec(template);
    if (!origin) throw new Error(`${where}: must start with http:// or https:// and a host`);
    if (origin[0].includes('{{')) {
      throw new Error(`${where}: the scheme, host and port cannot use template variables`);
    }
    parse(template, where, 'url');
    this.origin = origin[0];
    const tail = template.slice(origin[0].length);
    const end = tail.search(/[?#]/);
    const path = end < 0 ? tail : tail.slice(0, end);
    // Checked whole above, placeholders hold letters only: splitting at `/`, `?`, `#` cannot cut one.
    this.segments =
      path === ''
        ? []
        : path
            .slice(1)
            .split('/')
            .map((s) => parse(s, where, 'url'));
    this.rest = parse(end < 0 ? '' : tail.slice(end), where, 'url');
    try {
      new URL(this.render(sampleValues()));
    } catch (error) {
      throw new Error(`${where}: not a valid URL: ${(error as Error).message}`);
    }
  }

  /** The URL for one message's values; throws a permanent ConnectorError when a value cannot go there. */
  render(values: TemplateValues): string {
    let url = this.origin;
    for (const segment of this.segments) {
      let rendered = '';
      let encoded = false;
      for (const part of segment) {
        if (typeof part === 'string') rendered += part;
        else {
          rendered += part.raw ? values[part.variable] : encodeURIComponent(values[part.variable]);
          encoded ||= !part.raw;
        }
      }
      if (encoded && DOT_SEGMENT.test(rendered)) {
        throw refuse(
          `the URL path cannot take this message's values: they make the path segment "${rendered}"`,
          'template:path',
        );
      }
      url += `/${rendered}`;
    }
    for (const part of this.rest) {
      if (typeof part === 'string') url += part;
      else url += part.raw ? values[part.variable] : encodeURIComponent(values[part.variable]);
    }
    return url;
  }
}

/** Characters no header value may hold: controls (CR and LF among them) and DEL. */
const HEADER_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** What an HTTP header cannot carry at all (fetch sends header values as Latin-1 bytes). */
const HEADER_NOT_LATIN1 = /[^\u0000-\u00ff]/;

/** A header value template, checked once at start. */
export class HeaderTemplate {
  private readonly parts: Part[];

  constructor(
    readonly name: string,
    template: string,
    where: string,
  ) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new Error(`${where}: not a valid header name`);
    if (HEADER_CONTROL.test(template) || HEADER_NOT_LATIN1.test(template)) {
      throw new Error(`${where}: a header value cannot hold control characters or characters beyond Latin-1`);
    }
    this.parts = parse(template, where, 'header');
  }

  /**
   * The value for one message. A value that would break the header (CR, LF, other control
   * characters) or that a header cannot carry (beyond Latin-1) refuses the message.
   */
  render(values: TemplateValues): string {
    let value = '';
    for (const part of this.parts) {
      if (typeof part === 'string') {
        value += part;
        continue;
      }
      const text = values[part.variable];
      if (HEADER_CONTROL.test(text)) {
        throw refuse(
          `header ${this.name} cannot take {{${part.variable}}}: it contains a line break or another control character`,
          'template:header',
        );
      }
      if (HEADER_NOT_LATIN1.test(text)) {
        throw refuse(
          `header ${this.name} cannot take {{${part.variable}}}: it contains characters an HTTP header cannot carry`,
          'template:header',
        );
      }
      value += text;
    }
    return value;
  }
}

/**
 * Fills every string in a body's JSON-like value with the values as they are (the body format
 * encodes them: form encoding, JSON); entries that render to '' are left out of objects.
 */
export function renderBody(value: unknown, values: TemplateValues): unknown {
  if (typeof value === 'string') {
    return value.replace(
      PLACEHOLDER,
      (_, inside: string) => values[INSIDE.exec(inside)![2] as TemplateVariable],
    );
  }
  if (Array.isArray(value)) return value.map((v) => renderBody(v, values));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const rendered = renderBody(v, values);
      if (rendered !== '') out[key] = rendered;
    }
    return out;
  }
  return value;
}

/** Plausible values for checking, at start, that a template renders a valid URL. */
function sampleValues(): TemplateValues {
  return {
    to: '+447911123456',
    toDigits: '447911123456',
    from: 'ACME',
    fromDigits: 'ACME',
    text: 'text',
    id: 'msg_01',
    callbackUrl: 'https://example.com/callbacks',
    segments: '1',
    encoding: 'gsm7',
  };
}
