// Small IPv4 CIDR arithmetic for carving subnets and checking overlaps (no dependency needed for /n math).

export interface Ipv4Block {
  /** network address as an unsigned 32-bit integer */
  base: number;
  prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses "a.b.c.d/n"; returns null when malformed or when host bits are set. */
export function parseCidr(cidr: string): Ipv4Block | null {
  const m = CIDR_PATTERN.exec(cidr.trim());
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return null;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) return null;
  return { base, prefix };
}

function formatIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function formatCidr(block: Ipv4Block): string {
  return `${formatIp(block.base)}/${block.prefix}`;
}

function mustParse(cidr: string): Ipv4Block {
  const block = parseCidr(cidr);
  if (!block) throw new Error(`invalid CIDR "${cidr}"`);
  return block;
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = mustParse(a);
  const y = mustParse(b);
  const xEnd = x.base + 2 ** (32 - x.prefix);
  const yEnd = y.base + 2 ** (32 - y.prefix);
  return x.base < yEnd && y.base < xEnd;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: string, inner: string): boolean {
  const o = mustParse(outer);
  const i = mustParse(inner);
  return i.prefix >= o.prefix && i.base >= o.base && i.base + 2 ** (32 - i.prefix) <= o.base + 2 ** (32 - o.prefix);
}

/** The `index`-th subnet of `cidr` with `newBits` more prefix bits (like Terraform's cidrsubnet). */
export function carveSubnet(cidr: string, newBits: number, index: number): string {
  const parent = mustParse(cidr);
  const prefix = parent.prefix + newBits;
  if (prefix > 28) throw new Error(`subnet of ${cidr} with ${newBits} new bits is smaller than /28 (the AWS minimum)`);
  if (index < 0 || index >= 2 ** newBits)
    throw new Error(`subnet index ${index} out of range for ${cidr} + ${newBits} bits`);
  return formatCidr({ base: parent.base + index * 2 ** (32 - prefix), prefix });
}

/** The n-th host address in a block (AWS reserves .0-.3 and the last one of every subnet). */
export function hostAddress(cidr: string, offset: number): string {
  const block = mustParse(cidr);
  if (offset < 4 || offset >= 2 ** (32 - block.prefix) - 1)
    throw new Error(`host offset ${offset} is reserved or outside ${cidr}`);
  return formatIp(block.base + offset);
}
