import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AddressPolicy, addressRefusal, urlRefusal } from '../../src/webhooks/address-guard.js';

const STRICT: AddressPolicy = { allowPrivateAddresses: false };
const LENIENT: AddressPolicy = { allowPrivateAddresses: true };

/** `public`: allowed by both policies; `private`: allowed only when private addresses are; `never`: refused by both. */
type Verdict = 'public' | 'private' | 'never';

/** [address, verdict, a phrase the refusal must contain]. */
const ADDRESSES: readonly (readonly [string, Verdict, string?])[] = [
  // IPv4, public
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['93.184.215.14', 'public'],
  ['172.15.255.255', 'public'],
  ['172.32.0.1', 'public'],
  ['100.63.255.255', 'public'],
  ['100.128.0.1', 'public'],
  ['169.253.255.255', 'public'],
  ['223.255.255.254', 'public'],
  // IPv4, private unless allowed
  ['127.0.0.1', 'private', 'loopback'],
  ['127.255.255.254', 'private', 'loopback'],
  ['10.0.0.1', 'private', 'private address'],
  ['10.255.255.255', 'private', 'private address'],
  ['172.16.0.1', 'private', 'private address'],
  ['172.31.255.255', 'private', 'private address'],
  ['192.168.1.1', 'private', 'private address'],
  ['100.64.0.1', 'private', 'carrier-grade NAT'],
  ['100.127.255.254', 'private', 'carrier-grade NAT'],
  // IPv4, never
  ['169.254.169.254', 'never', 'cloud metadata'],
  ['169.254.170.2', 'never', 'cloud metadata'],
  ['100.100.100.200', 'never', 'cloud metadata'],
  ['192.0.0.192', 'never', 'cloud metadata'],
  ['169.254.0.1', 'never', 'link-local'],
  ['169.254.255.255', 'never', 'link-local'],
  ['0.0.0.0', 'never', 'unspecified'],
  ['0.1.2.3', 'never', 'unspecified'],
  ['255.255.255.255', 'never', 'broadcast'],
  ['224.0.0.1', 'never', 'multicast'],
  ['239.255.255.250', 'never', 'multicast'],
  ['240.0.0.1', 'never', 'reserved'],
  ['192.0.2.10', 'never', 'reserved'],
  ['198.18.0.1', 'never', 'reserved'],
  ['198.51.100.7', 'never', 'reserved'],
  ['203.0.113.9', 'never', 'reserved'],
  // IPv6, public
  ['2606:4700:4700::1111', 'public'],
  ['2001:4860:4860::8888', 'public'],
  ['2a00:1450:4001:80b::200e', 'public'],
  // IPv6, private unless allowed
  ['::1', 'private', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'private', 'loopback'],
  ['fc00::1', 'private', 'unique-local'],
  ['fd12:3456:789a::1', 'private', 'unique-local'],
  ['fec0::1', 'private', 'site-local'],
  // IPv6, never
  ['::', 'never', 'unspecified'],
  ['fe80::1', 'never', 'link-local'],
  ['febf:ffff::1', 'never', 'link-local'],
  ['fe80::1%eth0', 'never', 'link-local'],
  ['fd00:ec2::254', 'never', 'cloud metadata'],
  ['FD00:0EC2:0:0:0:0:0:0254', 'never', 'cloud metadata'],
  ['ff02::1', 'never', 'multicast'],
  ['ff05::1:3', 'never', 'multicast'],
  ['2001:db8::1', 'never', 'reserved'],
  ['2001::1', 'never', 'Teredo'],
  ['100::1', 'never', 'discard'],
  ['::7f00:1', 'never', 'global unicast'],
  ['4000::1', 'never', 'global unicast'],
  // IPv6 that carries or leads to an IPv4 address is judged as that address
  ['::ffff:127.0.0.1', 'private', 'loopback'],
  ['::ffff:10.1.2.3', 'private', 'private address'],
  ['::ffff:8.8.8.8', 'public'],
  ['::ffff:169.254.169.254', 'never', 'cloud metadata'],
  ['::ffff:a9fe:a9fe', 'never', 'cloud metadata'],
  ['::ffff:169.254.1.1', 'never', 'link-local'],
  ['::ffff:0.0.0.0', 'never', 'unspecified'],
  ['64:ff9b::a9fe:a9fe', 'never', 'cloud metadata'],
  ['64:ff9b::7f00:1', 'private', 'loopback'],
  ['64:ff9b::808:808', 'public'],
  ['64:ff9b:1::1', 'never', 'NAT64'],
  ['::ffff:0:a9fe:a9fe', 'never', 'cloud metadata'],
  ['2002:a9fe:a9fe::1', 'never', 'cloud metadata'],
  ['2002:c0a8:101::1', 'private', 'private address'],
  ['2002:808:808::1', 'public'],
];

describe('addressRefusal', () => {
  for (const [ip, verdict, phrase] of ADDRESSES) {
    it(`${ip} is ${verdict}`, () => {
      const strict = addressRefusal(ip, STRICT);
      const lenient = addressRefusal(ip, LENIENT);
      if (verdict === 'public') {
        assert.equal(strict, null);
        assert.equal(lenient, null);
        return;
      }
      assert.ok(strict !== null, `${ip} should be refused when private addresses are not allowed`);
      assert.ok(strict.includes(ip), `reason names the address: ${strict}`);
      assert.ok(strict.includes(phrase!), `reason ${JSON.stringify(strict)} says ${phrase}`);
      if (verdict === 'private') {
        assert.equal(lenient, null);
      } else {
        assert.ok(lenient !== null, `${ip} should be refused even when private addresses are allowed`);
        assert.ok(lenient.includes(phrase!), lenient);
      }
    });
  }

  it('gives the documented reason for the metadata address', () => {
    assert.equal(addressRefusal('169.254.169.254', LENIENT), '169.254.169.254 is a cloud metadata address');
  });

  it('names the IPv4 address inside an IPv4-mapped one', () => {
    assert.equal(
      addressRefusal('::ffff:a9fe:a9fe', LENIENT),
      '::ffff:a9fe:a9fe (169.254.169.254) is a cloud metadata address',
    );
  });

  for (const junk of ['', 'localhost', 'not-an-ip', '999.1.1.1', '127.1', '0x7f000001', '1.2.3.4.5', '::g']) {
    it(`refuses ${JSON.stringify(junk)}, which is not an IP address`, () => {
      assert.match(addressRefusal(junk, LENIENT) ?? '', /not an IP address/);
    });
  }
});

/** [url, refusal when strict (null = allowed), refusal when lenient]: regular expressions or null. */
const URLS: readonly (readonly [string, RegExp | null, RegExp | null])[] = [
  ['https://hooks.example.com/sms?x=1', null, null],
  ['http://hooks.example.com:8080/sms', null, null],
  ['https://8.8.8.8/hook', null, null],
  ['https://[2606:4700:4700::1111]/hook', null, null],
  ['ftp://example.com/', /scheme ftp is not allowed/, /scheme ftp/],
  ['file:///etc/passwd', /scheme file/, /scheme file/],
  ['javascript:alert(1)', /scheme javascript/, /scheme javascript/],
  ['gopher://127.0.0.1:6379/_INFO', /scheme gopher/, /scheme gopher/],
  ['http://user:secret@example.com/', /credentials/, /credentials/],
  ['http://user@example.com/', /credentials/, /credentials/],
  ['not a url', /not a valid URL/, /not a valid URL/],
  ['/relative/path', /not a valid URL/, /not a valid URL/],
  ['http://127.0.0.1:8080/', /127\.0\.0\.1 is a loopback address/, null],
  ['http://[::1]:8080/', /::1 is a loopback address/, null],
  ['http://10.1.2.3/', /private address/, null],
  ['http://localhost:3000/', /localhost is a loopback name/, null],
  ['http://LOCALHOST./', /loopback name/, null],
  ['http://api.localhost/', /loopback name/, null],
  ['http://2130706433/', /127\.0\.0\.1 is a loopback/, null],
  ['http://0x7f.1/', /127\.0\.0\.1 is a loopback/, null],
  ['http://0/', /0\.0\.0\.0 is an unspecified address/, /unspecified/],
  ['http://[::]/', /unspecified/, /unspecified/],
  ['http://169.254.169.254/latest/meta-data/', /cloud metadata/, /cloud metadata/],
  ['http://[::ffff:169.254.169.254]/', /cloud metadata/, /cloud metadata/],
  ['http://[fd00:ec2::254]/', /cloud metadata/, /cloud metadata/],
  ['http://[fe80::1]/', /link-local/, /link-local/],
  ['http://224.0.0.1/', /multicast/, /multicast/],
];

describe('urlRefusal', () => {
  for (const [url, strict, lenient] of URLS) {
    it(`judges ${url}`, () => {
      for (const [policy, expected] of [
        [STRICT, strict],
        [LENIENT, lenient],
      ] as const) {
        const actual = urlRefusal(url, policy);
        if (expected === null)
          assert.equal(actual, null, `allowPrivateAddresses=${policy.allowPrivateAddresses}`);
        else
          assert.match(
            actual ?? '(allowed)',
            expected,
            `allowPrivateAddresses=${policy.allowPrivateAddresses}`,
          );
      }
    });
  }
});
