import net from 'node:net';

/** Why an address may or may not receive customer webhooks; only `public` is allowed in production. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'cgnat'
  | 'multicast'
  | 'metadata'
  | 'reserved'
  | 'invalid';

type V4Range = [base: string, prefix: number, cls: AddressClass];

// Order matters: the first match wins, so the metadata hosts come before the ranges that contain them.
const V4_RANGES: V4Range[] = [
  ['169.254.169.254', 32, 'metadata'], // AWS, GCP, Azure, OpenStack instance metadata
  ['168.63.129.16', 32, 'metadata'], // Azure wire server
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'], // also Alibaba's metadata host 100.100.100.200
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF assignments, incl. Oracle Cloud's metadata 192.0.0.192
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // incl. 255.255.255.255
];

const V4_TABLE = V4_RANGES.map(([base, prefix, cls]) => ({
  base: v4ToInt(base.split('.').map(Number)),
  mask: prefixMask(prefix),
  cls,
}));

/**
 * Classifies an IP address for SSRF checks. IPv6 forms that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`,
 * IPv4-compatible `::a.b.c.d`, SIIT `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by the
 * embedded address, since that is where the packets end up. Outside 2000::/3 no IPv6 address is global unicast.
 */
export function classifyAddress(address: string): AddressClass {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (net.isIPv4(ip)) return classifyV4(ip.split('.').map(Number));
  if (!net.isIPv6(ip)) return 'invalid';
  const b = parseV6(ip);
  if (!b) return 'invalid';
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 16)) return 'unspecified';
  if (zeros(0, 15) && b[15] === 1) return 'loopback';
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return classifyV4(b.slice(12));
  if (zeros(0, 8) && b[8] === 0xff && b[9] === 0xff && zeros(10, 12)) return classifyV4(b.slice(12));
  if (zeros(0, 12)) return classifyV4(b.slice(12));
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    if (zeros(4, 12)) return classifyV4(b.slice(12));
    if (b[4] === 0x00 && b[5] === 0x01) return 'private'; // 64:ff9b:1::/48, local-use NAT64
  }
  if (b[0] === 0x20 && b[1] === 0x02) return classifyV4(b.slice(2, 6));
  if (
    b[0] === 0xfd &&
    b[1] === 0x00 &&
    b[2] === 0x0e &&
    b[3] === 0xc2 &&
    zeros(4, 14) &&
    b[14] === 0x02 &&
    b[15] === 0x54
  )
    return 'metadata'; // fd00:ec2::254, AWS IMDS
  if ((b[0] & 0xfe) === 0xfc) return 'private'; // fc00::/7
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return 'link_local'; // fe80::/10
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0xc0) return 'private'; // fec0::/10, deprecated site-local
  if (b[0] === 0xff) return 'multicast';
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return 'reserved'; // documentation
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x00 && b[3] === 0x00) return 'reserved'; // Teredo: the IPv4 inside is obfuscated
  if ((b[0] & 0xe0) !== 0x20) return 'reserved'; // not 2000::/3
  return 'public';
}

export function isPublicAddress(address: string): boolean {
  return classifyAddress(address) === 'public';
}

function classifyV4(octets: number[]): AddressClass {
  const n = v4ToInt(octets);
  for (const r of V4_TABLE) if ((n & r.mask) >>> 0 === r.base) return r.cls;
  return 'public';
}

function v4ToInt(o: number[]): number {
  return ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
}

function prefixMask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** 16 bytes of an IPv6 address already validated by net.isIPv6 (it may end in dotted IPv4). */
function parseV6(ip: string): number[] | null {
  const text = ip
    .toLowerCase()
    .replace(
      /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
      (_m, a: string, b: string, c: string, d: string) =>
        `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`,
    );
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const head = words(halves[0]);
  const rest = halves.length === 2 ? words(halves[1]) : [];
  const fill = 8 - head.length - rest.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const bytes = [...head, ...Array<number>(fill).fill(0), ...rest].flatMap((w) => [(w >> 8) & 0xff, w & 0xff]);
  return bytes.length === 16 && bytes.every((x) => Number.isInteger(x)) ? bytes : null;
}
