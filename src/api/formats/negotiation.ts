/** The wire formats of ServiceStack-style requests. `form` covers urlencoded and multipart bodies. */
export const FORMATS = ['json', 'xml', 'jsv', 'form'] as const;
/** One of {@link FORMATS}. */
export type Format = (typeof FORMATS)[number];

/** The formats a response can be written in (a form is never a response), in preference order. */
export const RESPONSE_FORMATS = ['json', 'xml', 'jsv'] as const;
/** One of {@link RESPONSE_FORMATS}. */
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

/** The Content-Type of a response in each format, as ServiceStack sends it. */
export const RESPONSE_CONTENT_TYPES: Readonly<Record<ResponseFormat, string>> = {
  json: 'application/json; charset=utf-8',
  xml: 'application/xml',
  jsv: 'application/jsv',
};

const MIME_FORMATS: Readonly<Record<string, Format>> = {
  'application/json': 'json',
  'text/json': 'json',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'application/jsv': 'jsv',
  'text/jsv': 'jsv',
  'application/x-www-form-urlencoded': 'form',
  'multipart/form-data': 'form',
};

/** Whether `value` is one of {@link FORMATS}. */
export function isFormat(value: unknown): value is Format {
  return typeof value === 'string' && (FORMATS as readonly string[]).includes(value);
}

/** Whether `value` is one of {@link RESPONSE_FORMATS}. */
export function isResponseFormat(value: unknown): value is ResponseFormat {
  return typeof value === 'string' && (RESPONSE_FORMATS as readonly string[]).includes(value);
}

/** The Content-Type header for a response in `format`. */
export function responseContentType(format: ResponseFormat): string {
  return RESPONSE_CONTENT_TYPES[format];
}

/**
 * The format of a media type (a Content-Type or one Accept entry), parameters and letter case
 * ignored: `application/json`, `text/json`, `application/xml`, `text/xml`, `application/jsv` and
 * its alias `text/jsv`, and the two form types. Anything else gives undefined.
 */
export function formatOfContentType(contentType: string | undefined): Format | undefined {
  if (!contentType) return undefined;
  const mime = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return Object.hasOwn(MIME_FORMATS, mime) ? MIME_FORMATS[mime] : undefined;
}

/**
 * The format a `?format=` value asks for, read as ServiceStack does: the part before any `.`,
 * any case, containing `json`, `xml` or `jsv` (so `?format=JSON` and `?format=jsonp` are JSON).
 * Anything else (`csv`, `html`, …) gives undefined: the next rule decides.
 */
export function formatOfQueryValue(value: string | undefined): ResponseFormat | undefined {
  if (!value) return undefined;
  const format = value.split('.', 1)[0]!.toLowerCase();
  if (format.includes('json')) return 'json';
  if (format.includes('xml')) return 'xml';
  if (format.includes('jsv')) return 'jsv';
  return undefined;
}

/**
 * Splits a format extension off a path's last segment, as ServiceStack routes allow
 * (`/api/Hello.xml` → `/api/Hello` + `xml`). Only `.json`, `.xml` and `.jsv` (any case) count;
 * any other path comes back unchanged without a suffix.
 */
export function splitFormatSuffix(path: string): { readonly path: string; readonly suffix?: ResponseFormat } {
  const match = /\.(json|xml|jsv)$/i.exec(path);
  if (!match) return { path };
  const suffix = match[1]!.toLowerCase() as ResponseFormat;
  return { path: path.slice(0, match.index), suffix };
}

/** What a request says about the response format it wants. */
export interface NegotiationInput {
  /** `?callback=` (JSONP): forces JSON. */
  readonly callback?: string | undefined;
  /** `?format=`. */
  readonly queryFormat?: string | undefined;
  /** The route's extension suffix, with or without the dot: `json`, `.xml`. */
  readonly pathSuffix?: string | undefined;
  /** For a predefined route (`/api/…`, `/{format}/reply/…`), that route's format. */
  readonly predefinedRouteFormat?: ResponseFormat | undefined;
  /** The Accept header. */
  readonly accept?: string | undefined;
  /** The request's Content-Type header. */
  readonly contentType?: string | undefined;
}

/**
 * Picks the response format the way ServiceStack does (wire reference §4):
 * 1. `?callback=` gives JSON; 2. `?format=`; 3. the `.json`/`.xml`/`.jsv` suffix;
 * 4. on a predefined route, the route's own format: Accept is ignored there;
 * 5. on a user route, the Accept header: a wildcard entry (any type, or any `application/` type)
 *    goes to step 6; else the request's own format when it is also accepted, else the first of
 *    json, xml, jsv accepted; entries with `q=0` are not accepted, other q-values do not reorder
 *    (ServiceStack goes by its own preference, not the client's); nothing we serve goes to step 6;
 * 6. the request's Content-Type when it is a response format, else JSON.
 * Never answers `form`, and never refuses: an unsatisfiable Accept gets JSON, as ServiceStack does.
 */
export function negotiateResponseFormat(input: NegotiationInput): ResponseFormat {
  if (input.callback) return 'json';
  const query = formatOfQueryValue(input.queryFormat);
  if (query) return query;
  const suffix = input.pathSuffix?.replace(/^\./, '').toLowerCase();
  if (isResponseFormat(suffix)) return suffix;
  if (input.predefinedRouteFormat) return input.predefinedRouteFormat;
  const requestFormat = formatOfContentType(input.contentType);
  const requestResponseFormat = isResponseFormat(requestFormat) ? requestFormat : undefined;
  const accepted = acceptedFormats(input.accept);
  if (accepted !== 'anything' && accepted.size > 0) {
    if (requestResponseFormat && accepted.has(requestResponseFormat)) return requestResponseFormat;
    for (const format of RESPONSE_FORMATS) if (accepted.has(format)) return format;
  }
  return requestResponseFormat ?? 'json';
}

/** The response formats an Accept header lists, or `anything` for a wildcard. */
function acceptedFormats(accept: string | undefined): Set<ResponseFormat> | 'anything' {
  const formats = new Set<ResponseFormat>();
  if (!accept) return formats;
  for (const entry of accept.split(',')) {
    const [mimePart, ...params] = entry.split(';');
    const mime = mimePart!.trim().toLowerCase();
    if (params.some((param) => /^\s*q\s*=\s*0(?:\.0{0,3})?\s*$/i.test(param))) continue;
    if (mime === '*/*' || mime === 'application/*') return 'anything';
    const format = formatOfContentType(mime);
    if (isResponseFormat(format)) formats.add(format);
  }
  return formats;
}
