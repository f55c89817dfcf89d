// Field numbers of the IP summary dump fields in the native dataplane: the
// order of ipsum.h's enum (its table has the same names, canonical ones).

const NATIVE_FIELD_ORDER = [
  'timestamp', 'ts_sec', 'ts_usec', 'ts_usec1', 'first_timestamp', 'count', 'link', 'paint', 'direction', 'aggregate',
  'wire_len', 'eth_src', 'eth_dst', 'eth_type', 'ip_src', 'ip_dst', 'ip_tos', 'ip_dscp', 'ip_ecn', 'ip_ttl', 'ip_frag',
  'ip_fragoff', 'ip_id', 'ip_sum', 'ip_proto', 'ip_hl', 'ip_len', 'ip_capture_len', 'ip_opt', 'sport', 'dport', 'tcp_seq',
  'tcp_ack', 'tcp_off', 'tcp_flags', 'tcp_window', 'tcp_urp', 'tcp_opt', 'tcp_ntopt', 'tcp_sack', 'udp_len', 'icmp_type',
  'icmp_type_name', 'icmp_code', 'icmp_code_name', 'icmp_flowid', 'icmp_seq', 'icmp_nextmtu', 'payload_len', 'payload',
  'payload_md5_hex',
] as const;

/** The native number of a canonical field name (from parseFieldList). */
export function nativeFieldId(name: string): number {
  const i = (NATIVE_FIELD_ORDER as readonly string[]).indexOf(name);
  if (i < 0) throw new Error(`no native IP summary dump field '${name}'`);
  return i;
}
