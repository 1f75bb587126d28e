import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** What outgoing webhook requests may reach besides the public internet. */
export interface AddressPolicy {
  /** Permit loopback, RFC 1918, unique-local and carrier-grade NAT addresses (self-hosted receivers). */
  readonly allowPrivateAddresses: boolean;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** A class of addresses we refuse: `always` ignores the policy, otherwise `allowPrivateAddresses` lifts it. */
interface Refusal {
  readonly what: string;
  readonly always: boolean;
}

/** Instance metadata services (AWS, GCP, Azure, OpenStack, ECS, Alibaba, Oracle): credentials live here. */
const METADATA_ADDRESSES: ReadonlySet<string> = new Set(
  ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192'].map((text) =>
    ipaddr.parse(text).toNormalizedString(),
  ),
);

const IPV4_RANGES: Readonly<Record<string, Refusal>> = {
  unspecified: { what: 'an unspecified address', always: true },
  broadcast: { what: 'a broadcast address', always: true },
  multicast: { what: 'a multicast address', always: true },
  linkLocal: { what: 'a link-local address', always: true },
  reserved: { what: 'a reserved address', always: true },
  loopback: { what: 'a loopback address', always: false },
  private: { what: 'a private address', always: false },
  carrierGradeNat: { what: 'a carrier-grade NAT address', always: false },
};

const IPV6_RANGES: Readonly<Record<string, Refusal>> = {
  unspecified: { what: 'an unspecified address', always: true },
  linkLocal: { what: 'a link-local address', always: true },
  multicast: { what: 'a multicast address', always: true },
  reserved: { what: 'a reserved address', always: true },
  discard: { what: 'a discard-only address', always: true },
  benchmarking: { what: 'a benchmarking address', always: true },
  teredo: { what: 'a Teredo tunnel address', always: true },
  deprecatedOrchid: { what: 'an ORCHID identifier', always: true },
  orchid2: { what: 'an ORCHID identifier', always: true },
  droneRemoteIdProtocolEntityTags: { what: 'a DRIP entity tag', always: true },
  segmentRouting: { what: 'a segment-routing SID', always: true },
  loopback: { what: 'a loopback address', always: false },
  uniqueLocal: { what: 'a unique-local address', always: false },
  deprecatedSiteLocal: { what: 'a site-local address', always: false },
};

const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * Why `ip` may not be contacted, or null when it may. IPv4-mapped IPv6 addresses are judged as the
 * IPv4 address they carry, and so are NAT64, SIIT and 6to4 addresses, which reach an IPv4 host too.
 */
export function addressRefusal(ip: string, policy: AddressPolicy): string | null {
  if (isIP(ip) === 0) return `${JSON.stringify(ip)} is not an IP address`;
  const address = ipaddr.process(ip);
  const refusal = classify(address);
  if (refusal === null || (!refusal.always && policy.allowPrivateAddresses)) return null;
  const shown = address.toString() === ip ? ip : `${ip} (${address.toString()})`;
  const suffix = refusal.always ? '' : ' and private addresses are not allowed';
  return `${shown} is ${refusal.what}${suffix}`;
}

/**
 * Checks a callback URL before any request: http or https only, no credentials, a host present.
 * An IP-literal host is judged by {@link addressRefusal}; `localhost` and `*.localhost` count as
 * loopback. Other hostnames pass here and are judged when they resolve. Returns why not, or null.
 */
export function urlRefusal(url: string, policy: AddressPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${JSON.stringify(url)} is not a valid URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `scheme ${parsed.protocol.slice(0, -1)} is not allowed; use http or https`;
  }
  if (parsed.username !== '' || parsed.password !== '') return 'credentials in the URL are not allowed';
  const host = parsed.hostname;
  if (host === '') return 'the URL has no host';
  // The URL parser has already normalised IPv4 forms such as 2130706433 or 0x7f.1 to dotted quads.
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(literal) !== 0) return addressRefusal(literal, policy);
  const name = host.toLowerCase().replace(/\.+$/, '');
  if ((name === 'localhost' || name.endsWith('.localhost')) && !policy.allowPrivateAddresses) {
    return `${host} is a loopback name and private addresses are not allowed`;
  }
  return null;
}

function classify(address: Address): Refusal | null {
  if (METADATA_ADDRESSES.has(address.toNormalizedString())) {
    return { what: 'a cloud metadata address', always: true };
  }
  if (address.kind() === 'ipv4') {
    return IPV4_RANGES[address.range()] ?? null;
  }
  const v6 = address as ipaddr.IPv6;
  const range = v6.range();
  const known = IPV6_RANGES[range];
  if (known !== undefined) return known;
  const embedded = embeddedIPv4(v6, range);
  if (embedded !== undefined) {
    const inner = classify(embedded);
    return inner === null ? null : { ...inner, what: `a route to ${embedded.toString()}, ${inner.what}` };
  }
  if (range === 'rfc6052') {
    // 64:ff9b:1::/48, the local-use NAT64 prefix: the IPv4 address may sit anywhere in it.
    return { what: 'a local-use NAT64 address', always: true };
  }
  if (!v6.match(GLOBAL_UNICAST)) return { what: 'outside global unicast space', always: true };
  return null;
}

/** The IPv4 host that a translated or tunnelled IPv6 address leads to, if any. */
function embeddedIPv4(address: ipaddr.IPv6, range: string): ipaddr.IPv4 | undefined {
  const bytes = address.toByteArray();
  if (range === 'rfc6145' || (range === 'rfc6052' && address.match(NAT64_WELL_KNOWN))) {
    return new ipaddr.IPv4(bytes.slice(12, 16));
  }
  if (range === '6to4') return new ipaddr.IPv4(bytes.slice(2, 6));
  return undefined;
}
