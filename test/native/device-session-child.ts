// Child process of runSanitizedDeviceSession (engines.ts): reads a device
// session as JSON on standard input, runs it on the native engine (the
// sanitizer build, with the sanitizer runtime preloaded by the parent) and
// prints the result as JSON.
import { readFileSync } from 'node:fs';
import { deviceSessionFromJSON, runDeviceSession, type DeviceSessionJSON } from './engines.js';

const spec = deviceSessionFromJSON(JSON.parse(readFileSync(0, 'utf8')) as DeviceSessionJSON);
process.stdout.write(JSON.stringify(runDeviceSession('native', spec)));
