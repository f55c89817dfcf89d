// The conformance cases that exercise routing, ICMP, TCP/UDP and NAT
// elements, run through both engines: every output capture byte for byte,
// standard error, and the case's handlers. The native captures are also
// checked against the original Click's expected packets.
import t from 'tap';
import { sanitizerRun } from './differential.js';
import { caseSpec, nativeMatchesClick } from './native-cases.js';

const CASES = ['06-ttl-icmp-error', '09-route-lookup', '10-nat-rewriter', '14-dscp-checksum', '16-ping-responder', '18-ip-router'];

for (const name of CASES) {
  t.test(name, async (t) => nativeMatchesClick(t, name, { stdout: false }));
}

t.test('sanitizer build: NAT and router cases', async (t) => {
  sanitizerRun(t, caseSpec('10-nat-rewriter'));
  sanitizerRun(t, caseSpec('18-ip-router'));
});
