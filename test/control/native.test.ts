// The ControlSocket conversations against the compiled dataplane: a
// standalone binary built with ASan/UBSan (TCP through its -p 0, UNIX
// through ControlSocket elements), and the same replies byte for byte as
// the host engine wherever they do not depend on traffic.
import t from 'tap';
import { controlSuite } from './suite.js';
import { startHost, startNative } from './harness.js';

t.test('native ControlSocket (sanitized) gives the host engine\'s replies', async (t) => {
  const host = await controlSuite(t, startHost);
  const native = await controlSuite(t, () => startNative(true));
  for (const [name, reply] of host) t.equal(native.get(name), reply, `same bytes: ${name}`);
});
