/** Campaign templates, additionalParams, message SIDs, campaign ids and report days: the pure parts of seed 004. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAdditionalParams } from '../../src/api/dialects/interact/additional-params.js';
import { fillTemplate, placeholdersOf } from '../../src/campaigns/campaign-template.js';
import { CAMPAIGN_ID } from '../../src/campaigns/campaigns.js';
import { parseDay } from '../../src/campaigns/deflected-call-report.js';
import { ValidationError } from '../../src/core/errors.js';
import { newMessageId } from '../../src/core/ids.js';
import { fromMessageSid, messageIdOf, toMessageSid } from '../../src/core/message-sid.js';

describe('campaign templates', () => {
  it('fills known placeholders, leaves unknown ones exactly as written', () => {
    const values = new Map([
      ['var1', 'value1'],
      ['name', 'Ana'],
    ]);
    assert.equal(
      fillTemplate('Hi {{name}}, code {{ var1 }} / {{var1}}; {{var3}} and {var1} stay', values),
      'Hi Ana, code value1 / value1; {{var3}} and {var1} stay',
    );
    assert.deepEqual(placeholdersOf('{{a}} {{ b }} {{a}} {c}'), ['a', 'b']);
  });

  it('a value is inserted as it is, never read as a template itself', () => {
    assert.equal(
      fillTemplate(
        '{{a}}{{b}}',
        new Map([
          ['a', '{{b}}'],
          ['b', '$&'],
        ]),
      ),
      '{{b}}$&',
    );
  });
});

describe('additionalParams', () => {
  it('is URL-decoded the way a query string is: %-escapes as UTF-8, + as a space', () => {
    const params = parseAdditionalParams('var1=value1&var2=caf%C3%A9+au+lait&empty=&flag&n%61me=%2B972');
    assert.deepEqual(Object.fromEntries(params), {
      var1: 'value1',
      var2: 'café au lait',
      empty: '',
      flag: '',
      name: '+972',
    });
    assert.equal(parseAdditionalParams(undefined).size, 0);
  });

  it('refuses escapes that are not UTF-8 and names given twice, naming additionalParams', () => {
    for (const raw of ['a=%FF', 'a=1&a=2']) {
      assert.throws(
        () => parseAdditionalParams(raw),
        (error: unknown) => error instanceof ValidationError && error.field === 'additionalParams',
        raw,
      );
    }
  });
});

describe('message SIDs', () => {
  it('map message ids to SM + 32 hex digits and back, exactly', () => {
    for (let i = 0; i < 500; i++) {
      const id = newMessageId();
      const sid = toMessageSid(id);
      assert.match(sid, /^SM[0-9a-f]{32}$/);
      assert.equal(fromMessageSid(sid), id);
      assert.equal(messageIdOf(sid), id);
      assert.equal(messageIdOf(id), id);
    }
    assert.equal(toMessageSid('msg_00000000000000000000000000'), `SM${'0'.repeat(32)}`);
    assert.equal(fromMessageSid(`SM${'f'.repeat(32)}`), 'msg_7ZZZZZZZZZZZZZZZZZZZZZZZZZ');
  });

  it('anything else is not a SID', () => {
    for (const s of ['SM123', `SM${'F'.repeat(32)}`, `MM${'0'.repeat(32)}`, `SM${'0'.repeat(33)}`]) {
      assert.equal(fromMessageSid(s), undefined, s);
    }
    assert.throws(() => toMessageSid('key_01ABC'));
  });
});

describe('campaign ids and report days', () => {
  it('campaign ids: 1–100 characters, no "/", no control characters, no spaces at the ends', () => {
    for (const ok of ['camp 1', 'campaign1', 'é', 'x'.repeat(100)]) assert.ok(CAMPAIGN_ID.test(ok), ok);
    for (const bad of ['', ' camp', 'camp ', 'a/b', 'a\u0000b', 'a\nb', 'x'.repeat(101)]) {
      assert.ok(!CAMPAIGN_ID.test(bad), JSON.stringify(bad));
    }
  });

  it('report days are real YYYY-MM-DD dates', () => {
    assert.equal(parseDay('1970-01-02', 'from'), 1);
    assert.equal(parseDay('2024-02-29', 'from'), 19782);
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-01', 'yesterday']) {
      assert.throws(
        () => parseDay(bad, 'to'),
        (e: unknown) => e instanceof ValidationError && e.field === 'to',
      );
    }
  });
});
