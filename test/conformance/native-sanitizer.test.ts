// Click's conformance cases on the native dataplane built with
// -fsanitize=address,undefined, as a standalone binary: same outputs as the
// original Click, and no sanitizer report (see native-run.ts).
import t from 'tap';
import { eachCase, runSanitized } from './native-run.js';

// 22 sanitizer builds: over tap's 300 s default on a busy 2-core machine
t.setTimeout(10 * 60 * 1000);

eachCase(t, 'native, sanitizer build', runSanitized);
