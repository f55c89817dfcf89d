// Click's conformance cases on the native dataplane built with
// -fsanitize=address,undefined, as a standalone binary: same outputs as the
// original Click, and no sanitizer report (see native-run.ts).
import t from 'tap';
import { eachCase, runSanitized } from './native-run.js';

eachCase(t, 'native, sanitizer build', runSanitized);
