import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Progress } from '../../src/cli/bulk/progress.js';
import { checkTemplate, renderTemplate } from '../../src/cli/bulk/text-template.js';

/** A stream that keeps what is written to it. */
function recorder(): { out: NodeJS.WriteStream; written: string[] } {
  const written: string[] = [];
  const out = { write: (chunk: string) => written.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
  return { out, written };
}

describe('smsgate bulk progress', () => {
  it('redraws one bar with rows, percentage, rate and ETA on a terminal', () => {
    const { out, written } = recorder();
    const progress = new Progress(1000, 0, out, true);
    progress.update(0);
    progress.update(1000);
    progress.finish();
    const last = written.at(-2)!;
    assert.match(last, /^\r█{30} 1000\/1000 rows \(100%\) {2}\d+ rows\/s {2}ETA 0s\u001b\[K$/);
    assert.ok(
      written.every((chunk) => !chunk.slice(0, -1).includes('\n')),
      'no line feed but the last',
    );
    assert.equal(written.at(-1), '\n');
  });

  it('writes plain lines, one per tenth, when not on a terminal', () => {
    const { out, written } = recorder();
    const progress = new Progress(100, 0, out, false);
    for (let done = 0; done <= 100; done += 5) progress.update(done);
    progress.finish();
    assert.equal(written.length, 11);
    for (const line of written)
      assert.match(line, /^progress \d+\/100 rows \(\d+%\) {2}\d+ rows\/s {2}ETA \S+\n$/);
    assert.match(written.at(-1)!, /^progress 100\/100 rows \(100%\)/);
  });
});

describe('smsgate bulk templates', () => {
  it('fills {{column}} from the row, spaces inside the braces allowed', () => {
    assert.equal(
      renderTemplate('Hi {{name}}, {{ when }}!', { name: 'Ann', when: 'today' }),
      'Hi Ann, today!',
    );
  });

  it('refuses a placeholder that names no column', () => {
    assert.throws(
      () => checkTemplate('Hi {{nmae}}', ['name', 'phone']),
      /\{\{nmae\}\} but the CSV has no such column/,
    );
    checkTemplate('Hi {{name}}', ['name', 'phone']);
  });
});
