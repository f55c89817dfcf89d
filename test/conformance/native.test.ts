// Click's conformance cases on the native dataplane, in-process through the
// shared library, compared with the original Click's outputs (see native-run.ts).
import t from 'tap';
import { eachCase, runInProcess } from './native-run.js';

eachCase(t, 'native, in-process', runInProcess);
