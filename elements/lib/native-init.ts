// Rendering configuration values as C initializers for the `native` entries
// of element specs (dataplane-native/native-spec.ts).

/** `{ 1, 2, 3 }`: a byte array (an Ethernet address, a header template). */
export function cBytes(b: Uint8Array): string {
  return `{ ${Array.from(b).join(', ')} }`;
}

/** An unsigned 32-bit literal (addresses above 2^31 stay unsigned in C). */
export function cU32(n: number): string {
  return `${n >>> 0}u`;
}

/** A 0/1 flag. */
export function cBool(b: boolean): string {
  return b ? '1' : '0';
}
