import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  dataContractNamespace,
  parseDataContract,
  parseXml,
  RESPONSE_STATUS_MEMBER,
  writeDataContract,
  XmlSyntaxError,
} from '../../../src/api/formats/xml.js';
import { FUZZ, FUZZ_TEST, mutatedBytes, mutatedText, throwsOnly, tokenSoup } from './fuzz-support.js';
import { sampleBodies, seed } from './seeds.js';

const XML_ALPHABET = [
  '<',
  '>',
  '/',
  '&',
  ';',
  '"',
  "'",
  '=',
  '!',
  '?',
  '[',
  ']',
  '-',
  ':',
  '#',
  'x',
  'a',
  ' ',
  '\n',
  '<a>',
  '</a>',
  '<a/>',
  'xmlns',
  'xmlns:p="urn:p"',
  'p:',
  '&amp;',
  '&#x41;',
  '&lol;',
  '<!DOCTYPE',
  '<!ENTITY',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?xml version="1.0"?>',
  'i:nil="true"',
];

const NS = dataContractNamespace('smsgate.Fuzz');
const SEED_XML = [
  ...sampleBodies(seed('000')),
  /<soapenv:Envelope.*?<\/soapenv:Envelope>/s.exec(seed('004'))![0],
  '<!DOCTYPE a [<!ENTITY lol "lol">]><a>&lol;</a>',
];

/** Parses, then reads as a DataContract too: neither may throw anything but XmlSyntaxError. */
function parseBoth(input: string | Uint8Array, maxDepth?: number): void {
  parseDataContract(parseXml(input, maxDepth === undefined ? {} : { maxDepth }), { lists: ['messages'] });
}

/** XML-safe text: no characters XML 1.0 cannot carry (the writer replaces those). */
const xmlText = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom('&', '<', '>', '"', "'", '\r', '\n', '\t', ' ', ']]>'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    maxLength: 16,
  })
  .map((text) => text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''));
const memberName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);

type Plain = string | { [key: string]: Plain };
/** DataContract values the reader can tell apart without hints: strings and non-empty objects. */
const plainValue: fc.Arbitrary<{ [key: string]: Plain }> = fc.letrec<{
  value: Plain;
  object: { [key: string]: Plain };
}>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, xmlText, tie('object')),
  object: fc.dictionary(memberName, tie('value'), { minKeys: 1, maxKeys: 4, noNullPrototype: true }),
})).object;

describe('XML property tests', () => {
  it('random text throws nothing but XmlSyntaxError', FUZZ_TEST, () => {
    fc.assert(
      fc.property(tokenSoup(XML_ALPHABET, 60), fc.integer({ min: 1, max: 70 }), (text, maxDepth) =>
        throwsOnly(XmlSyntaxError, () => parseBoth(text, maxDepth)),
      ),
      FUZZ,
    );
  });

  it('random bytes throw nothing but XmlSyntaxError', FUZZ_TEST, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) =>
        throwsOnly(XmlSyntaxError, () => parseBoth(bytes)),
      ),
      FUZZ,
    );
  });

  it('mutated seed documents, as text and as bytes, throw nothing but XmlSyntaxError', FUZZ_TEST, () => {
    fc.assert(
      fc.property(mutatedText(SEED_XML, XML_ALPHABET), (text) =>
        throwsOnly(XmlSyntaxError, () => parseBoth(text)),
      ),
      FUZZ,
    );
    fc.assert(
      fc.property(mutatedBytes(SEED_XML.map((xml) => Buffer.from(xml))), (bytes) =>
        throwsOnly(XmlSyntaxError, () => parseBoth(bytes)),
      ),
      FUZZ,
    );
  });

  it('whatever writeDataContract writes, parseDataContract reads back', FUZZ_TEST, () => {
    fc.assert(
      fc.property(memberName, plainValue, (root, value) => {
        const xml = writeDataContract(root, NS, value);
        const tree = parseXml(xml);
        assert.equal(tree.name, root);
        assert.equal(tree.ns, NS);
        assert.deepEqual(parseDataContract(tree), value);
      }),
      FUZZ,
    );
  });

  it('ResponseStatus with arbitrary text survives the round trip', FUZZ_TEST, () => {
    const error = fc.record({ ErrorCode: xmlText, FieldName: xmlText, Message: xmlText });
    fc.assert(
      fc.property(
        xmlText,
        xmlText,
        fc.array(error, { minLength: 2, maxLength: 3 }),
        (code, message, errors) => {
          const status = { ErrorCode: code, Message: message, StackTrace: null, Errors: errors, Meta: null };
          const xml = writeDataContract(
            'ErrorResponse',
            NS,
            { ResponseStatus: status },
            {
              members: { ResponseStatus: RESPONSE_STATUS_MEMBER },
            },
          );
          const read = parseDataContract(parseXml(xml)) as { ResponseStatus: Record<string, unknown> };
          assert.deepEqual(read.ResponseStatus, {
            ...status,
            Errors: errors.map((e) => ({ ...e, Meta: null })),
          });
        },
      ),
      FUZZ,
    );
  });
});
