// Every corpus configuration parses, elaborates and survives a round trip
// through the flat text: parse -> elaborate -> flatten -> parse -> elaborate
// gives the same graph. Element names Click printed in the conformance
// cases' stderr (anonymous `Class@N` names, `compound/inner` names) must be
// the names elaboration chose.

import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseConfigText } from '../../config-lang/elaborate.js';
import { flatten } from '../../config-lang/flatten.js';
import { corpus } from './corpus.js';
import { anyCapitalized, shape } from './graph-compare.js';

const opts = { isPrimitiveClass: anyCapitalized };

for (const f of corpus()) {
  t.test(`round trip of ${f.name}`, async (t) => {
    const graph = parseConfigText(f.text, f.name, opts);
    t.ok(graph.elements.length > 0, 'has elements');
    const flat = flatten(graph);
    const again = parseConfigText(flat, `${f.name} (flat)`, opts);
    t.same(shape(again), shape(graph));
    t.equal(flatten(again), flat, 'flattening is a fixed point');
  });
}

/** Element names at the start of Click's stderr lines: `name: ...` or `name :: Class: ...`. */
function namesInStderr(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z_][\w@]*(?:\/[\w@]+)*)(?: :: [A-Za-z]\w*)?: /.exec(line);
    if (m && (m[1]!.includes('@') || m[1]!.includes('/'))) names.add(m[1]!);
  }
  return [...names];
}

t.test('names in the conformance stderr are the elaborated names', async (t) => {
  let checked = 0;
  for (const f of corpus()) {
    const stderr = join(dirname(f.path), 'expected', 'stderr.txt');
    if (!existsSync(stderr)) continue;
    const names = new Set(parseConfigText(f.text, f.name, opts).elements.map((e) => e.name));
    for (const n of namesInStderr(readFileSync(stderr, 'utf8'))) {
      t.ok(names.has(n), `${f.name}: ${n}`);
      checked++;
    }
  }
  t.ok(checked >= 10, `${checked} names checked`);
});

t.test('anonymous names of the conformance cases', async (t) => {
  const names = (c: string): string[] => {
    const f = corpus().find((x) => x.name.includes(c))!;
    return parseConfigText(f.text, f.name, opts).elements.map((e) => e.name);
  };
  t.same(names('14-dscp-checksum').slice(4, 9), ['IPClassifier@5', 'SetIPDSCP@9', 'SetIPAddress@10', 'StoreIPAddress@11', 'SetUDPChecksum@12']);
  t.ok(names('04-ip-classifier').includes('CheckIPHeader@4'));
  t.same(names('12-compound-define').filter((n) => n.startsWith('inside/')), ['inside/Strip@1', 'inside/chk', 'inside/f', 'inside/Discard@4']);
});
