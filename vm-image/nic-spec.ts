// How a VM's network interfaces reach the host: the `--nic SPEC` values of
// `clickvm vm start`, parsed into QEMU netdev options. Each NIC is a
// virtio-net device on microvm's virtio-mmio bus; the guest numbers them in
// the order given, so the N-th spec is FromDevice(N)/ToDevice(N) inside.
//
//   dgram:LPORT:RPORT[@HOST]  one frame per UDP datagram; the VM listens on
//                             LPORT and sends to RPORT (on 127.0.0.1 unless HOST)
//   unix:LPATH:RPATH          the same over UNIX datagram sockets
//   listen:PORT | connect:PORT  QEMU's stream socket netdev (frames length-prefixed)
//   tap:IFNAME                an existing tap device (no scripts run)

export type NicSpec =
  | { readonly kind: 'dgram'; readonly localPort: number; readonly remotePort: number; readonly host: string }
  | { readonly kind: 'unix'; readonly localPath: string; readonly remotePath: string }
  | { readonly kind: 'listen' | 'connect'; readonly port: number }
  | { readonly kind: 'tap'; readonly ifname: string };

export class NicSpecError extends Error {
  override name = 'NicSpecError';
}

const NIC_SYNTAX = 'dgram:LPORT:RPORT[@HOST], unix:LPATH:RPATH, listen:PORT, connect:PORT or tap:IFNAME';

function port(text: string, spec: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new NicSpecError(`bad port '${text}' in NIC '${spec}' (1 to 65535)`);
  return n;
}

export function parseNicSpec(spec: string): NicSpec {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  switch (kind) {
    case 'dgram': {
      const m = /^([^:@]+):([^:@]+)(?:@([A-Za-z0-9.-]+))?$/.exec(rest);
      if (!m) break;
      return { kind: 'dgram', localPort: port(m[1]!, spec), remotePort: port(m[2]!, spec), host: m[3] ?? '127.0.0.1' };
    }
    case 'unix': {
      const parts = rest.split(':');
      if (parts.length !== 2 || !parts[0] || !parts[1]) break;
      return { kind: 'unix', localPath: parts[0], remotePath: parts[1] };
    }
    case 'listen':
    case 'connect':
      if (!rest) break;
      return { kind, port: port(rest, spec) };
    case 'tap':
      if (!/^[A-Za-z0-9_.-]{1,15}$/.test(rest)) break;
      return { kind: 'tap', ifname: rest };
  }
  throw new NicSpecError(`bad NIC '${spec}': write ${NIC_SYNTAX}`);
}

/** The QEMU options for NIC number `index`: a netdev and the virtio-net device on it. */
export function nicQemuArgs(nic: NicSpec, index: number): string[] {
  const id = `nic${index}`;
  let netdev: string;
  switch (nic.kind) {
    case 'dgram':
      netdev = `dgram,id=${id},local.type=inet,local.host=${nic.host},local.port=${nic.localPort},remote.type=inet,remote.host=${nic.host},remote.port=${nic.remotePort}`;
      break;
    case 'unix':
      netdev = `dgram,id=${id},local.type=unix,local.path=${nic.localPath},remote.type=unix,remote.path=${nic.remotePath}`;
      break;
    case 'listen':
    case 'connect':
      netdev = `socket,id=${id},${nic.kind}=127.0.0.1:${nic.port}`;
      break;
    case 'tap':
      netdev = `tap,id=${id},ifname=${nic.ifname},script=no,downscript=no`;
      break;
  }
  // Locally administered MACs, one per NIC, stable across boots.
  const mac = `52:54:00:c1:0c:${index.toString(16).padStart(2, '0')}`;
  return ['-netdev', netdev, '-device', `virtio-net-device,netdev=${id},mac=${mac}`];
}

/** A spec written back in the form it was given (for `vm list`). */
export function formatNicSpec(nic: NicSpec): string {
  switch (nic.kind) {
    case 'dgram':
      return `dgram:${nic.localPort}:${nic.remotePort}${nic.host === '127.0.0.1' ? '' : `@${nic.host}`}`;
    case 'unix':
      return `unix:${nic.localPath}:${nic.remotePath}`;
    case 'listen':
    case 'connect':
      return `${nic.kind}:${nic.port}`;
    case 'tap':
      return `tap:${nic.ifname}`;
  }
}
