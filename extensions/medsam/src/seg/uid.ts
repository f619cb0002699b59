// Fresh UIDs for the caller to keep with a pending store: "2.25." + a random UUID as a decimal integer
// (PS3.5 B.2), from the Web Crypto API that browsers and Node ≥ 20 share.
export function newUid(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `2.25.${BigInt(`0x${hex}`).toString(10)}`;
}
