// Read handlers with a parameter (`rt.lookup ADDR`, `rw.tcp_lookup ...`)
// in both engines. The C contract has no entry for them yet, so this
// harness compiles the configuration with one extra exported function that
// calls the class's `<prefix>_read_param_<name>(e, param, out)` (returning
// 0, or -1 with the message in out): the entry point the proposed codegen
// extension would wire into the handler table.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import { flatten } from '../../config-lang/flatten.js';
import { loadFile } from '../../config-lang/load.js';
import { buildNative } from '../../dataplane-native/build.js';
import { generateC } from '../../dataplane-native/codegen.js';
import type { NativeSpec } from '../../dataplane-native/native-spec.js';
import { NativeRouter } from '../../dataplane-native/native-router.js';
import { Router } from '../../host-engine/router.js';

/** A handler read: its value, or the error message. */
export type ParamResult = { value: string } | { error: string };

export interface ParamRun {
  readonly host: ParamResult[];
  readonly native: ParamResult[];
}

const cacheDir = join(tmpdir(), 'clickvm-native-test-cache');

/** Run `config` in both engines, then read every `element.handler PARAM` of `reads` in each. */
export function paramReads(config: string, reads: readonly string[]): ParamRun {
  const dir = mkdtempSync(join(tmpdir(), 'clickvm-params-'));
  try {
    const file = join(dir, 'config.click');
    writeFileSync(file, config);
    const graph = loadFile(file);

    const router = new Router(graph, { baseDir: dir, simtime: true, stderr: () => {}, stdout: () => {} });
    router.initialize();
    router.run();
    const host = reads.map((r): ParamResult => {
      try {
        return { value: router.readHandler(r) };
      } catch (e) {
        return { error: (e as Error).message };
      }
    });
    router.cleanup();

    const program = generateC(graph, { configText: config });
    const cases: string[] = [];
    graph.elements.forEach((el, i) => {
      const native = el.spec.native as NativeSpec<unknown>;
      for (const [name, h] of Object.entries(el.spec.handlers ?? {})) {
        if (!h.readParam) continue;
        cases.push(`if (element == ${i} && !strcmp(handler, "${name}")) r = ${native.prefix}_read_param_${name}(&e${i}, param, &o);`);
      }
    });
    const extra = `
int cvm_test_read_param(int element, const char *handler, const char *param, int *status, char *buf, int cap)
{
    CvmStr o = { 0 };
    int r = -2;
    ${cases.join('\n    ')}
    if (r == -2) cvm_str_printf(&o, "no such parameter handler");
    *status = r;
    int n = (int)o.len;
    if (n >= cap) n = cap - 1;
    if (n > 0) memcpy(buf, o.s, (size_t)n);
    buf[n > 0 ? n : 0] = 0;
    cvm_str_free(&o);
    return n;
}
`;
    const lib = buildNative({ ...program, source: program.source + extra }, { kind: 'shared', cacheDir }).output;
    const nr = new NativeRouter(lib);
    const readParam = koffi.load(lib).func('int cvm_test_read_param(int, const char *, const char *, _Out_ int *status, _Out_ uint8_t *buf, int cap)');
    const cwd = process.cwd();
    process.chdir(dir);
    let native: ParamResult[];
    try {
      nr.start({ simtime: true });
      nr.run();
      native = reads.map((r): ParamResult => {
        const m = /^(\S*)\s+([\s\S]*)$/.exec(r.trim());
        const path = m ? m[1]! : r.trim();
        const dot = path.indexOf('.');
        const index = graph.elements.findIndex((e) => e.name === path.slice(0, dot));
        const buf = Buffer.alloc(1 << 16);
        const status = [0];
        const n = readParam(index, path.slice(dot + 1), m ? m[2]! : '', status, buf, buf.length) as number;
        const text = buf.subarray(0, n).toString('latin1');
        return status[0]! < 0 ? { error: text } : { value: text };
      });
      nr.finish();
    } finally {
      process.chdir(cwd);
    }
    return { host, native };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
