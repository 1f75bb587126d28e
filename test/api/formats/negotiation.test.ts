import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  FORMATS,
  formatOfContentType,
  formatOfQueryValue,
  isFormat,
  isResponseFormat,
  type NegotiationInput,
  negotiateResponseFormat,
  RESPONSE_FORMATS,
  type ResponseFormat,
  responseContentType,
  splitFormatSuffix,
} from '../../../src/api/formats/negotiation.js';
import { FUZZ, FUZZ_TEST, tokenSoup } from './fuzz-support.js';

describe('formats and content types', () => {
  it('has closed sets with runtime checks', () => {
    assert.deepEqual(FORMATS, ['json', 'xml', 'jsv', 'form']);
    assert.deepEqual(RESPONSE_FORMATS, ['json', 'xml', 'jsv']);
    assert.ok(isFormat('form') && !isResponseFormat('form'));
    assert.ok(!isFormat('csv') && !isFormat(undefined) && !isFormat('toString'));
  });

  it('maps MIME types, aliases included, ignoring parameters and case', () => {
    const cases: [string | undefined, string | undefined][] = [
      ['application/json', 'json'],
      ['application/json; charset=utf-8', 'json'],
      ['text/json', 'json'],
      ['Application/XML', 'xml'],
      ['text/xml; charset=utf-8', 'xml'],
      ['application/jsv', 'jsv'],
      ['text/jsv', 'jsv'],
      ['application/x-www-form-urlencoded', 'form'],
      ['multipart/form-data; boundary=x', 'form'],
      [' application/json ', 'json'],
      ['text/csv', undefined],
      ['text/html', undefined],
      ['application/soap+xml', undefined],
      ['', undefined],
      [undefined, undefined],
      ['constructor', undefined],
    ];
    for (const [mime, format] of cases) assert.equal(formatOfContentType(mime), format, String(mime));
  });

  it('answers with the Content-Type ServiceStack sends', () => {
    assert.equal(responseContentType('json'), 'application/json; charset=utf-8');
    assert.equal(responseContentType('xml'), 'application/xml');
    assert.equal(responseContentType('jsv'), 'application/jsv');
  });

  it('reads ?format= values as ServiceStack does', () => {
    const cases: [string | undefined, string | undefined][] = [
      ['json', 'json'],
      ['JSON', 'json'],
      ['jsonp', 'json'],
      ['xml', 'xml'],
      ['jsv', 'jsv'],
      ['xml.foo', 'xml'],
      ['x.json', undefined],
      ['csv', undefined],
      ['html', undefined],
      ['', undefined],
      [undefined, undefined],
    ];
    for (const [value, format] of cases) assert.equal(formatOfQueryValue(value), format, String(value));
  });

  it('splits a format suffix off the last path segment only', () => {
    assert.deepEqual(splitFormatSuffix('/api/Hello.xml'), { path: '/api/Hello', suffix: 'xml' });
    assert.deepEqual(splitFormatSuffix('/communication/message/sms.JSON'), {
      path: '/communication/message/sms',
      suffix: 'json',
    });
    assert.deepEqual(splitFormatSuffix('/api/Hello.jsv'), { path: '/api/Hello', suffix: 'jsv' });
    assert.deepEqual(splitFormatSuffix('/api/Hello.csv'), { path: '/api/Hello.csv' });
    assert.deepEqual(splitFormatSuffix('/api/Hello'), { path: '/api/Hello' });
    assert.deepEqual(splitFormatSuffix('/a.xml/b'), { path: '/a.xml/b' });
  });
});

describe('negotiateResponseFormat', () => {
  const table: [string, NegotiationInput, ResponseFormat][] = [
    // User routes
    ['nothing at all', {}, 'json'],
    ['JSON request, no Accept (the JS client)', { contentType: 'application/json' }, 'json'],
    ['XML request, no Accept', { contentType: 'application/xml' }, 'xml'],
    ['JSV request, no Accept', { contentType: 'text/jsv' }, 'jsv'],
    [
      'form request, no Accept: never a form response',
      { contentType: 'application/x-www-form-urlencoded' },
      'json',
    ],
    ['multipart request, no Accept', { contentType: 'multipart/form-data; boundary=x' }, 'json'],
    ['Accept xml', { accept: 'application/xml' }, 'xml'],
    ['Accept text/jsv alias', { accept: 'text/jsv' }, 'jsv'],
    ['Accept with parameters and spaces', { accept: ' application/xml ; q=0.9 ' }, 'xml'],
    [
      'Accept list: server preference, not client order',
      { accept: 'application/jsv, application/xml, application/json' },
      'json',
    ],
    ['Accept list without json: xml before jsv', { accept: 'application/jsv, application/xml' }, 'xml'],
    [
      'Accept list prefers the request format when accepted',
      { accept: 'application/json, application/xml', contentType: 'application/xml' },
      'xml',
    ],
    [
      'request format not accepted: Accept wins',
      { accept: 'application/jsv', contentType: 'application/xml' },
      'jsv',
    ],
    ['q-values do not reorder', { accept: 'application/json;q=0.1, application/xml;q=1' }, 'json'],
    ['q=0 means not acceptable', { accept: 'application/json;q=0, application/xml' }, 'xml'],
    ['q=0.000 too', { accept: 'application/json; q=0.000, text/xml' }, 'xml'],
    ['*/* falls back to the request format', { accept: '*/*', contentType: 'application/xml' }, 'xml'],
    ['*/* without a body: JSON', { accept: '*/*' }, 'json'],
    [
      '*/* beside explicit types still means the request format',
      { accept: 'application/xml, */*', contentType: 'text/jsv' },
      'jsv',
    ],
    [
      'a browser Accept: JSON (no HTML format here)',
      { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' },
      'json',
    ],
    ['application/* acts as a wildcard', { accept: 'application/*', contentType: 'application/xml' }, 'xml'],
    [
      'nothing we serve accepted: request format',
      { accept: 'text/html', contentType: 'application/xml' },
      'xml',
    ],
    [
      'nothing we serve accepted, form request: JSON',
      { accept: 'image/png', contentType: 'application/x-www-form-urlencoded' },
      'json',
    ],
    [
      'only q=0 entries: as if nothing accepted',
      { accept: 'application/xml;q=0', contentType: 'text/jsv' },
      'jsv',
    ],
    [
      '?format= beats Accept and Content-Type',
      { queryFormat: 'jsv', accept: 'application/xml', contentType: 'application/xml' },
      'jsv',
    ],
    ['?format= beats the suffix', { queryFormat: 'xml', pathSuffix: 'json' }, 'xml'],
    ['unknown ?format= falls through to the suffix', { queryFormat: 'csv', pathSuffix: '.xml' }, 'xml'],
    ['suffix beats Accept', { pathSuffix: '.jsv', accept: 'application/xml' }, 'jsv'],
    ['suffix without the dot, any case', { pathSuffix: 'XML' }, 'xml'],
    ['unknown suffix falls through to Accept', { pathSuffix: '.csv', accept: 'application/xml' }, 'xml'],
    [
      '?callback= (JSONP) beats everything',
      { callback: 'cb', queryFormat: 'xml', accept: 'application/xml' },
      'json',
    ],
    ['empty ?callback= is no callback', { callback: '', queryFormat: 'xml' }, 'xml'],
    // Predefined routes
    ['/api/ route ignores Accept', { predefinedRouteFormat: 'json', accept: 'application/xml' }, 'json'],
    [
      '/api/ route ignores the request Content-Type',
      { predefinedRouteFormat: 'json', contentType: 'application/xml' },
      'json',
    ],
    ['/xml/reply/ route', { predefinedRouteFormat: 'xml', accept: 'application/json' }, 'xml'],
    ['/jsv/reply/ route', { predefinedRouteFormat: 'jsv' }, 'jsv'],
    ['predefined route: ?format= wins', { predefinedRouteFormat: 'json', queryFormat: 'xml' }, 'xml'],
    [
      'predefined route: /api/Hello.xml suffix wins',
      { predefinedRouteFormat: 'json', pathSuffix: '.xml' },
      'xml',
    ],
    ['predefined route: ?callback= gives JSON', { predefinedRouteFormat: 'xml', callback: 'cb' }, 'json'],
  ];
  for (const [name, input, expected] of table) {
    it(name, () => assert.equal(negotiateResponseFormat(input), expected));
  }
});

describe('negotiateResponseFormat property tests', () => {
  const header = tokenSoup(
    [
      'application/json',
      'application/xml',
      'text/jsv',
      '*/*',
      'application/*',
      ';',
      'q=0',
      'q=0.5',
      ',',
      ' ',
      'x/y',
      'form',
    ],
    40,
  );
  const input = fc.record(
    {
      callback: header,
      queryFormat: header,
      pathSuffix: header,
      predefinedRouteFormat: fc.constantFrom(...RESPONSE_FORMATS),
      accept: header,
      contentType: header,
    },
    { requiredKeys: [] },
  );

  it('always answers a response format, never throws', FUZZ_TEST, () => {
    fc.assert(
      fc.property(input, (request) => {
        assert.ok(isResponseFormat(negotiateResponseFormat(request)));
      }),
      FUZZ,
    );
  });

  it('a predefined route never looks at Accept or Content-Type', FUZZ_TEST, () => {
    fc.assert(
      fc.property(input, header, header, (request, accept, contentType) => {
        const withRoute = { ...request, predefinedRouteFormat: request.predefinedRouteFormat ?? 'json' };
        assert.equal(
          negotiateResponseFormat({ ...withRoute, accept, contentType }),
          negotiateResponseFormat({ ...withRoute, accept: undefined, contentType: undefined }),
        );
      }),
      FUZZ,
    );
  });
});
