// The ControlSocket conversations against the host engine (in this process).
import t from 'tap';
import { controlSuite } from './suite.js';
import { startHost } from './harness.js';

t.test('host engine ControlSocket', async (t) => {
  await controlSuite(t, startHost);
});
