import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DC_ARRAYS_NAMESPACE,
  DC_STRING_LIST,
  type DcType,
  dataContractNamespace,
  parseDataContract,
  parseXml,
  RESPONSE_STATUS_MEMBER,
  SERVICESTACK_TYPES_NAMESPACE,
  writeDataContract,
  type XmlElement,
  XSI_NAMESPACE,
} from '../../../src/api/formats/xml.js';
import { sampleBodies, seed, unindentXml } from './seeds.js';

const NS = dataContractNamespace('digitaluapi.ServiceModel');
const DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';
const ROOT_ATTRS = `xmlns:i="${XSI_NAMESPACE}" xmlns="${NS}"`;
const [SEED_REQUEST, SEED_RESPONSE] = sampleBodies(seed('000'));

const S = 'String';
const status = {
  ErrorCode: S,
  Message: S,
  StackTrace: S,
  Errors: [{ ErrorCode: S, FieldName: S, Message: S, Meta: { String: S } }],
  Meta: { String: S },
};
const message = { channel: S, to: S, content: S, clientMessageId: S };

/** Seed 000's SmsMsgResponse sample as a value, and the description DataContractSerializer gets from its C# type. */
function seedResponse(): { value: Record<string, unknown>; type: DcType } {
  const item = { apiMessageId: S, accepted: false, to: S, error: S, msg: message };
  const provider = (extra: Record<string, unknown> = {}) => ({
    messages: [{ ...item, ...extra }],
    error: S,
    ResponseStatus: status,
  });
  const providerType = (itemName: string): DcType => ({
    members: { ResponseStatus: RESPONSE_STATUS_MEMBER, messages: { kind: 'list', itemName } },
  });
  return {
    value: {
      grandcomMsgResponse: provider({ hasError: false }),
      clickatellMsgResponse: provider(),
      SMPPMsgResponse: provider(),
      error: S,
      ResponseStatus: status,
    },
    type: {
      members: {
        ResponseStatus: RESPONSE_STATUS_MEMBER,
        grandcomMsgResponse: { kind: 'object', type: providerType('GrandcomResponseMsg') },
        clickatellMsgResponse: { kind: 'object', type: providerType('ClickatellResponsesMsg') },
        SMPPMsgResponse: { kind: 'object', type: providerType('SMPPResponseMsg') },
      },
    },
  };
}

describe('writeDataContract', () => {
  it("reproduces seed 000's SmsMsgResponse sample byte for byte (without its display indentation)", () => {
    const { value, type } = seedResponse();
    const xml = writeDataContract('SmsMsgResponse', NS, value, type);
    assert.equal(xml, DECLARATION + unindentXml(SEED_RESPONSE!));
    // The ResponseStatus prefixes follow DataContractSerializer's d{depth}p1 scheme.
    assert.match(
      xml,
      /<SmsMsgResponse [^>]*><ResponseStatus xmlns:d2p1="http:\/\/schemas\.servicestack\.net\/types">/,
    );
    assert.match(
      xml,
      /<d3p1:Meta xmlns:d6p1="http:\/\/schemas\.microsoft\.com\/2003\/10\/Serialization\/Arrays">/,
    );
  });

  it("reproduces seed 000's SendSmsRequest sample", () => {
    const xml = writeDataContract(
      'SendSmsRequest',
      NS,
      { Messages: [message] },
      { members: { Messages: { kind: 'list', itemName: 'SmsMessage' } } },
    );
    assert.equal(xml, DECLARATION + unindentXml(SEED_REQUEST!));
  });

  it('writes null members as i:nil, declaring the namespace first as DataContractSerializer does', () => {
    const xml = writeDataContract(
      'R',
      NS,
      { ResponseStatus: null, error: null, Tags: null },
      { members: { ResponseStatus: RESPONSE_STATUS_MEMBER, Tags: DC_STRING_LIST } },
    );
    assert.equal(
      xml,
      `${DECLARATION}<R ${ROOT_ATTRS}>` +
        `<ResponseStatus xmlns:d2p1="${SERVICESTACK_TYPES_NAMESPACE}" i:nil="true" />` +
        `<Tags xmlns:d2p1="${DC_ARRAYS_NAMESPACE}" i:nil="true" /><error i:nil="true" /></R>`,
    );
  });

  it('follows an explicit order (nil for missing members, unlisted keys dropped) and omitNull', () => {
    const type: DcType = { order: ['Zeta', 'Alpha', 'Missing', 'Skipped'], omitNull: ['Skipped'] };
    assert.equal(
      writeDataContract('R', NS, { Alpha: 'a', Zeta: 'z', NotAMember: 'x' }, type),
      `${DECLARATION}<R ${ROOT_ATTRS}><Zeta>z</Zeta><Alpha>a</Alpha><Missing i:nil="true" /></R>`,
    );
    assert.equal(
      writeDataContract('R', NS, { b: null, a: 'x' }, { omitNull: true }),
      `${DECLARATION}<R ${ROOT_ATTRS}><a>x</a></R>`,
    );
  });

  it('sorts members ordinally by default (upper case first) and skips undefined ones', () => {
    assert.equal(
      writeDataContract('R', NS, { b: '1', B: '2', a: '3', _x: '4', u: undefined }),
      `${DECLARATION}<R ${ROOT_ATTRS}><B>2</B><_x>4</_x><a>3</a><b>1</b></R>`,
    );
  });

  it('writes scalars as DataContractSerializer does, escaping text', () => {
    const xml = writeDataContract('R', NS, {
      a: true,
      b: 1.5,
      c: 1e21,
      d: Number.POSITIVE_INFINITY,
      e: new Date('2024-05-01T10:20:30.500Z'),
      f: '<tag> & "q" \'a\' ]]>',
      g: 'cr\r\nlf\ttab',
      h: '',
      i: 12n,
      j: 'bad\u0000\u0008\ud800char',
    });
    assert.equal(
      xml,
      `${DECLARATION}<R ${ROOT_ATTRS}><a>true</a><b>1.5</b><c>1E+21</c><d>INF</d><e>2024-05-01T10:20:30.5Z</e>` +
        `<f>&lt;tag&gt; &amp; "q" 'a' ]]&gt;</f><g>cr&#xD;\nlf\ttab</g><h></h><i>12</i><j>bad\ufffd\ufffd\ufffdchar</j></R>`,
    );
  });

  it('writes string lists and dictionaries in the Arrays namespace, empty containers self-closed', () => {
    const xml = writeDataContract(
      'R',
      NS,
      { Tags: ['a', null], Meta: { k: 'v', n: null }, None: [], Empty: {} },
      { members: { Tags: DC_STRING_LIST, Meta: { kind: 'dictionary' }, None: DC_STRING_LIST } },
    );
    assert.equal(
      xml,
      `${DECLARATION}<R ${ROOT_ATTRS}><Empty />` +
        `<Meta xmlns:d2p1="${DC_ARRAYS_NAMESPACE}"><d2p1:KeyValueOfstringstring><d2p1:Key>k</d2p1:Key><d2p1:Value>v</d2p1:Value></d2p1:KeyValueOfstringstring>` +
        `<d2p1:KeyValueOfstringstring><d2p1:Key>n</d2p1:Key><d2p1:Value i:nil="true" /></d2p1:KeyValueOfstringstring></Meta>` +
        `<None xmlns:d2p1="${DC_ARRAYS_NAMESPACE}" />` +
        `<Tags xmlns:d2p1="${DC_ARRAYS_NAMESPACE}"><d2p1:string>a</d2p1:string><d2p1:string i:nil="true" /></Tags></R>`,
    );
  });

  it('declares a list item namespace on the wrapper when it is not in scope yet', () => {
    const xml = writeDataContract(
      'R',
      NS,
      { Errors: [{ ErrorCode: 'E', FieldName: 'F', Message: 'M' }] },
      {
        members: {
          Errors: {
            kind: 'list',
            itemName: 'ResponseError',
            item: { namespace: SERVICESTACK_TYPES_NAMESPACE, order: ['ErrorCode', 'FieldName', 'Message'] },
          },
        },
      },
    );
    assert.equal(
      xml,
      `${DECLARATION}<R ${ROOT_ATTRS}><Errors xmlns:d2p1="${SERVICESTACK_TYPES_NAMESPACE}"><d2p1:ResponseError>` +
        '<d2p1:ErrorCode>E</d2p1:ErrorCode><d2p1:FieldName>F</d2p1:FieldName><d2p1:Message>M</d2p1:Message>' +
        '</d2p1:ResponseError></Errors></R>',
    );
  });

  it('writes a null root and an empty one', () => {
    assert.equal(writeDataContract('R', NS, null), `${DECLARATION}<R ${ROOT_ATTRS} i:nil="true" />`);
    assert.equal(writeDataContract('R', NS, {}), `${DECLARATION}<R ${ROOT_ATTRS} />`);
  });

  it('encodes names that are not XML names, as XmlConvert.EncodeLocalName does', () => {
    assert.equal(
      writeDataContract('R', NS, { 'a b': 1, '1x': 2 }),
      `${DECLARATION}<R ${ROOT_ATTRS}><_x0031_x>2</_x0031_x><a_x0020_b>1</a_x0020_b></R>`,
    );
  });

  it('refuses values it cannot describe (programming errors)', () => {
    assert.throws(() => writeDataContract('R', NS, { list: [1] }), /describe it with \{ kind: 'list'/);
    assert.throws(() => writeDataContract('R', NS, { f: () => 1 }), TypeError);
    assert.throws(() => writeDataContract('R', NS, 'text'), TypeError);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.throws(() => writeDataContract('R', NS, cycle), RangeError);
  });

  it('writes what parseDataContract reads back', () => {
    const { value, type } = seedResponse();
    const read = parseDataContract(parseXml(writeDataContract('SmsMsgResponse', NS, value, type)), {
      lists: ['messages', 'Errors'],
    });
    assert.deepEqual(
      read,
      JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'boolean' ? String(v) : v))),
    );
  });
});

describe('parseDataContract', () => {
  it("reads seed 000's request sample, with Messages declared a list", () => {
    const root = parseXml(SEED_REQUEST!);
    const expectedMessage = { channel: S, clientMessageId: S, content: S, to: S };
    assert.deepEqual(parseDataContract(root, { lists: ['messages'] }), { Messages: [expectedMessage] });
    // Without the hint one item is indistinguishable from a nested object.
    assert.deepEqual(parseDataContract(root), { Messages: { SmsMessage: expectedMessage } });
  });

  it("reads seed 000's response sample: nested namespaces, dictionaries, lists", () => {
    const read = parseDataContract(parseXml(SEED_RESPONSE!), { lists: ['messages', 'errors'] }) as Record<
      string,
      Record<string, unknown>
    >;
    assert.deepEqual(read.ResponseStatus, status);
    const grandcom = read.grandcomMsgResponse as { messages: Record<string, unknown>[] };
    assert.deepEqual(grandcom.messages[0], {
      accepted: 'false',
      apiMessageId: S,
      error: S,
      hasError: 'false',
      msg: { channel: S, clientMessageId: S, content: S, to: S },
      to: S,
    });
  });

  it('reads nil as null, empty elements as empty text, text untrimmed', () => {
    const root = parseXml(
      `<R xmlns:i="${XSI_NAMESPACE}"><a i:nil="true"/><b/><c>  x  </c><d i:nil="false">v</d></R>`,
    );
    assert.deepEqual(parseDataContract(root), { a: null, b: '', c: '  x  ', d: 'v' });
    assert.equal(parseDataContract(parseXml(`<R xmlns:i="${XSI_NAMESPACE}" i:nil="true"/>`)), null);
  });

  it('reads repeated children and Arrays-namespace items as lists, declared lists even when empty', () => {
    const root = parseXml(
      `<R xmlns:a="${DC_ARRAYS_NAMESPACE}" xmlns:i="${XSI_NAMESPACE}"><Ids><a:string>1</a:string></Ids>` +
        '<Pair><X>1</X><X>2</X></Pair><None/><One><Item><v>1</v></Item></One>' +
        '<Nils><Item i:nil="true"/><Item>x</Item></Nils></R>',
    );
    assert.deepEqual(parseDataContract(root, { lists: ['none', 'ONE'] }), {
      Ids: ['1'],
      Pair: ['1', '2'],
      None: [],
      One: [{ v: '1' }],
      Nils: [null, 'x'],
    });
  });

  it('reads KeyValueOf… entries as a dictionary', () => {
    const root = parseXml(
      `<R xmlns:d="${DC_ARRAYS_NAMESPACE}" xmlns:i="${XSI_NAMESPACE}"><Meta>` +
        '<d:KeyValueOfstringstring><d:Key>a</d:Key><d:Value>1</d:Value></d:KeyValueOfstringstring>' +
        '<d:KeyValueOfstringstring><d:Key>b</d:Key><d:Value i:nil="true"/></d:KeyValueOfstringstring>' +
        '<d:KeyValueOfstringstring><d:Key>a</d:Key><d:Value>dup</d:Value></d:KeyValueOfstringstring>' +
        '</Meta></R>',
    );
    assert.deepEqual(parseDataContract(root), { Meta: { a: '1', b: null } });
  });

  it('is lenient about order and namespaces; a repeated member keeps its first value', () => {
    const root = parseXml(
      '<R xmlns="urn:wrong" xmlns:p="urn:other"><to>1</to><p:channel>2</p:channel><to>3</to><x/></R>',
    );
    assert.deepEqual(parseDataContract(root), { to: '1', channel: '2', x: '' });
  });

  it('keeps element names such as __proto__ as own keys', () => {
    const read = parseDataContract(
      parseXml('<R><__proto__><polluted>yes</polluted></__proto__></R>'),
    ) as object;
    assert.equal(Object.getPrototypeOf(read), Object.prototype);
    assert.deepEqual(Object.keys(read), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('converts deep trees without recursion', () => {
    // Built by hand: far deeper than the XML parser allows, and than a call stack would take.
    const levels = 200_000;
    let root: XmlElement = { name: 'a', ns: '', prefix: '', attrs: [], children: [], text: 'x' };
    for (let i = 1; i < levels; i++)
      root = { name: 'a', ns: '', prefix: '', attrs: [], children: [root], text: '' };
    let value = parseDataContract(root);
    let depth = 0;
    while (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      value = (value as Record<string, typeof value>).a!;
      depth++;
    }
    assert.equal(depth, levels - 1);
    assert.equal(value, 'x');
  });
});
