/**
 * The JSON body reader and the Interact SOAP envelope reader under fast-check: whatever bytes
 * arrive, they throw nothing but ValidationError (a 400 in the caller's dialect); valid JSON
 * reads back as the value written. Seeded through fuzz-support (FORMATS_FUZZ_SEED).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { readCampaignSmsEnvelope } from '../../../src/api/dialects/interact/soap-envelope.js';
import { parseJsonBody } from '../../../src/api/formats/json.js';
import { parseXml } from '../../../src/api/formats/xml.js';
import { ValidationError } from '../../../src/core/errors.js';
import { FUZZ, FUZZ_TEST, mutatedBytes, mutatedText, throwsOnly, tokenSoup } from './fuzz-support.js';
import { seed } from './seeds.js';

const JSON_TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  '\\',
  '\\u0000',
  '\\ud800',
  '__proto__',
  'constructor',
  'prototype',
  'null',
  '1e999',
  '-',
  '0',
  ' ',
];
const JSON_SEEDS = [
  '{"to":["+447911123456"],"text":"hello","metadata":{"a":[1,2,{"b":null}]}}',
  '{"constructor":{"prototype":{"x":1}}}',
  '{"__proto__":{"admin":true}}',
];

/** The Interact SOAP request of seed 004, and a minimal one. */
const SOAP_SEEDS = [
  /<soapenv:Envelope.*?<\/soapenv:Envelope>/s.exec(seed('004'))![0],
  '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><a:CampaignSMSRequest xmlns:a="http://com/jacada/interact/agent/soap"><campaignId>c</campaignId><callerId>+447911123456</callerId></a:CampaignSMSRequest></s:Body></s:Envelope>',
];
const XML_TOKENS = [
  '<',
  '>',
  '/',
  '&',
  ';',
  '"',
  '=',
  ':',
  'x',
  ' ',
  '<!DOCTYPE a [<!ENTITY e "ee">]>',
  '&e;',
  '<![CDATA[',
  ']]>',
  'soapenv:',
  'Header',
  'Body',
  'mustUnderstand="1"',
  '\u0000',
];

/** Reads bytes as the SOAP route does: XML at the dialect's depth limit, then the envelope. */
function readSoap(bytes: Uint8Array | string) {
  return readCampaignSmsEnvelope(parseXml(bytes, { maxDepth: 12 }));
}

describe('JSON bodies under fuzz', () => {
  it('random bytes, token soup and mutated bodies throw nothing but ValidationError', FUZZ_TEST, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
          tokenSoup(JSON_TOKENS, 60).map((t) => Buffer.from(t)),
          mutatedText(JSON_SEEDS, JSON_TOKENS).map((t) => Buffer.from(t)),
          mutatedBytes(JSON_SEEDS.map((s) => Buffer.from(s))).map((b) => Buffer.from(b)),
        ),
        (body) => throwsOnly(ValidationError, () => parseJsonBody(body)),
      ),
      FUZZ,
    );
  });

  it('any JSON value without poisoning keys reads back as written', FUZZ_TEST, () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        fc.pre(!text.includes('"__proto__"') && !text.includes('"constructor"'));
        assert.deepEqual(parseJsonBody(Buffer.from(text)), text.trim() === '' ? undefined : JSON.parse(text));
      }),
      FUZZ,
    );
  });
});

describe('the Interact SOAP envelope under fuzz', () => {
  it('the seeds read (the property below has something to mutate)', () => {
    for (const xml of SOAP_SEEDS) assert.equal(typeof readSoap(xml), 'object');
  });

  it('mutated envelopes, as text and as bytes, throw nothing but ValidationError', FUZZ_TEST, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          mutatedText(SOAP_SEEDS, XML_TOKENS),
          mutatedBytes(SOAP_SEEDS.map((s) => Buffer.from(s))),
          tokenSoup(XML_TOKENS, 60),
        ),
        (input) => throwsOnly(ValidationError, () => readSoap(input)),
      ),
      FUZZ,
    );
  });
});
