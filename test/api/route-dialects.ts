// Which dialect owns a URL, and the content types that dialect answers in (its docs under
// docs/dialects/): what "an error in the caller's dialect" means for suites that probe every route.

export type DialectName =
  | 'native'
  | 'servicestack'
  | 'interact-rest'
  | 'interact-soap'
  | 'interact-help'
  | 'kannel'
  | 'jasmin-http'
  | 'jasmin-rest'
  | 'twilio'
  | 'accolades'
  | 'metrics'
  | 'docs'
  | 'dashboard';

const SERVICESTACK_ROOTS = new Set(['api', 'json', 'xml', 'jsv', 'communication', 'metadata']);

/** The dialect owning `url` (path and query). Unclaimed paths are the native API's. */
export function dialectOf(url: string): DialectName {
  const path = url.split('?', 1)[0]!;
  const segments = path.split('/');
  const root = segments[1] ?? '';
  // The operator surfaces (docs/metrics.md, docs/dashboard.md) answer in their own types.
  if (path === '/metrics') return 'metrics';
  if (root === 'docs') return 'docs';
  if (root === 'dashboard' && segments[2] !== 'api') return 'dashboard';
  if (path.startsWith('/interact/version/2/agent/soap')) return 'interact-soap';
  if (path.startsWith('/interact/version/3/')) return 'interact-rest';
  if (path.startsWith('/interact/help')) return 'interact-help';
  if (SERVICESTACK_ROOTS.has(root)) return 'servicestack';
  if (path.startsWith('/cgi-bin/sendsms')) return 'kannel';
  if (root === 'secure') return 'jasmin-rest';
  if (['send', 'balance', 'rate'].includes(root) && segments.length === 2) return 'jasmin-http';
  if (root === '2010-04-01') return 'twilio';
  if (segments.length === 4 && segments[2] === 'sms' && segments[3] === 'send') return 'accolades';
  return 'native';
}

/** The content types (without parameters) the dialect may answer `url` with. */
export function expectedContentTypes(dialect: DialectName, url: string): readonly string[] {
  switch (dialect) {
    case 'servicestack': {
      // A format named by the path (suffix or /json/…) is the only one; otherwise negotiated.
      // Metadata pages are HTML; their errors, like every other answer, are in the format.
      const path = url.split('?', 1)[0]!;
      const pages = /\/metadata$/.test(path) ? ['text/html'] : [];
      if (/\.json$|^\/json\//.test(path)) return [...pages, 'application/json'];
      if (/\.xml$|^\/xml\//.test(path)) return [...pages, 'application/xml'];
      if (/\.jsv$|^\/jsv\//.test(path)) return [...pages, 'application/jsv'];
      return ['application/json', 'application/xml', 'application/jsv', 'text/html'];
    }
    case 'interact-soap':
      return ['text/xml'];
    case 'interact-help':
      return ['text/plain'];
    case 'interact-rest':
      // docs/dialects/interact.md: text/plain bodies, except the 401's JSON.
      return ['text/plain', 'application/json'];
    case 'kannel':
    case 'jasmin-http':
      return ['text/plain'];
    case 'metrics':
      // Prometheus' text format; a refused token is a native JSON 401.
      return ['text/plain', 'application/json'];
    case 'docs':
      return [
        'text/html',
        'application/json',
        'text/css',
        'application/javascript',
        'text/javascript',
        'image/png',
      ];
    case 'dashboard':
      // Pages, their assets (a missing one: a plain-text 404), the overview stream; a redirect to the
      // sign-in page has no body ('').
      return [
        'text/html',
        'application/json',
        'text/css',
        'application/javascript',
        'text/javascript',
        'image/png',
        'image/svg+xml',
        'text/event-stream',
        'text/plain',
        '',
      ];
    default:
      return ['application/json'];
  }
}
