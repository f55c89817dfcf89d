// Script and DriverManager in both engines: the instruction set, `$`
// expansion and quoting, handler calls (own, another Script's, elements'
// through the router, with the host's messages), every builtin through
// parameterised reads, files, PACKET scripts, driver stop requests, and the
// handlers of a script written from outside.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { differential, handlerDiff, initErrors, sanitizerRun } from './io-util.js';

const FIXTURE = new URL('../fixtures/conformance/01-counter/in.pcap', import.meta.url).pathname;
const files = { 'in.pcap': new Uint8Array(readFileSync(FIXTURE)), 'note.txt': 'line one\nline "two" $x\n\x01\xff' };
const COUNTER = 'Idle -> c :: Counter -> Discard;';

const scripts: Record<string, string> = {
  'the loop example': 's :: Script(set x 0, label begin_loop, print $x, set x $(add $x 1), goto begin_loop $(lt $x 5), stop);',
  quoting: `${COUNTER} s :: Script(set x $(c.count), print $x, set x "$(c.count)", print $x, setq x "$(c.count)", print $x,
     print c.count, print "c.count", print '"c.count"', set x c.count, print $x, print $($x), print "two words", print \${x},
     print "tab\\there \\$x \\101\\x42\\<43 44>", printq "q\\"q", print 'single $x', print x=$x, print "$(c.nosuch)", stop);`,
  'read, write and $?': `${COUNTER} s :: Script(read c.count, readq c.count, write c.reset, print $?, write bad.h 1, print $?,
     write c.nosuch 1, print $?, writeq c.count_call "5 c.reset", print $(c.count_call), read s.add 1 2, read nosuch,
     read c.count extra, stop);`,
  'waits, pause, wait_step, timers': 's :: Script(print "a", wait 1s, print $(now), pause, print "never", stop);',
  'wait then stop': 's :: Script(wait 250ms, print "b" $(now), wait 1.5, print $(now), stop);',
  'finishing words': `a :: Script(print 1, goto end, print 2); b :: Script(print 3, errorq "it broke", print 4);
     c2 :: Script(label l, goto l); d :: Script(goto stop $(eq 1 1), print "no"); e :: Script(goto end maybe, print "yes", print x);
     f :: Script(print 5, exit, print 6); g :: Script(error, print 7); h :: Script(error oops $(add 1 1)); i :: Script(wait 2s, stop);`,
  'files: print >, >>, save, append, cat, catq': `${COUNTER} s :: Script(print >a.txt "hello", print >>a.txt c.count, save c.count b.txt,
     append c.count b.txt, print >"c d.txt" "spaced", printn "x", printn "y", print "z", print $(cat note.txt), print $(catq note.txt),
     print $(cat missing.txt), print >no/dir/x.txt "x", printn "w", stop);`,
  'arguments and run': `calc :: Script(TYPE PASSIVE, return $(mul $1 $2)); args :: Script(TYPE PASSIVE, return "$# [$args] $0 $write $1/$2/$3");
     q :: Script(TYPE PASSIVE, returnq "$1"); branch :: Script(TYPE PASSIVE, goto big $(gt $1 10), return small, label big, return big);
     vars :: Script(TYPE PASSIVE, init n 5, set n $(add $n 1), return $n);
     s :: Script(print $(calc.run 6 7), print $(args.run a "b c" d), print $(q.run "x y"), print $(branch.run 3), print $(branch.run 30),
       print $(vars.run), print $(vars.run), print $(calc.add 1 2), write args.run z, print $(args.run), stop);`,
  'set, get, shift and variables': `s :: Script(set list "a b  c", print $(s.shift list), print $list, print $(shift list), print $(get list),
     print $(get nope), write s.set y 1 2, print $y, write s.set, print $?, print $(first $list), stop);`,
  'a script steps itself and jumps': `s :: Script(print "start", write s.step, print "after", label x, print "x", write s.goto y, print "skipped", label y, print "y",
     write s.goto nowhere, print $?, write s.step bad, stop);`,
  'one script drives another': `w :: Script(TYPE PASSIVE, label top, print "w" $(now), pause, print "w2", goto top);
     s :: Script(write w.run, write w.step, write w.step 2, wait 1, write w.goto top, write w.step router, stop);`,
  'compound scopes': `elementclass Inner { c :: Counter; s :: Script(TYPE PASSIVE, return $(c.count)); input -> c -> output }
     Idle -> i :: Inner -> Discard; top :: Script(print $(i/s.run), print $(i/c.count), write i/c.reset, print $?, stop);`,
  'random numbers': 's :: Script(print $(random), print $(random 5 6), print $(random 10), print $(random 0), print $(random 3 1), print $(random a), stop);',
};

t.test('Script instructions', async (t) => {
  for (const [name, config] of Object.entries(scripts)) await t.test(name, async (t) => differential(t, { config, files, seed: 1234 }));
});

const builtinReads = [
  'add 10 5 2', 'sub 10 5 2', 'mul 2 3 4', 'div 7 2', 'idiv 7 2', 'add 0.1 0.2', 'min 4 2 9', 'max 4 2 9', 'mod 7 3', 'rem 7.5 2',
  'neg 4', 'neg 0', 'abs -2.5', 'abs -3', 'eq 10 0xA', 'le 9 8', 'eq 10x 10x', 'lt abc abd', 'ne 1 1.0', 'gt "b" a', 'ge 1e3 999',
  'not true', 'not maybe', 'and true false', 'and true yes 1', 'or false yes', 'nor false false', 'nand true', 'and true x', 'or',
  'if false a b', 'if true a b', 'if x a b', 'in b a b c', 'in "" a', 'first x y', 'first', 'length hello', 'length',
  'unquote "a b"', 'unquote \'x\'"y\\n"', 'sprintf "%05x" 127', 'sprintf "%d-%s-%-3d|%%" -4 "hi there" 7', 'sprintf "%.3d %#x %hd" 7 255 65535',
  'sprintf "%*d|%-*d|%.*s" 4 7 3 8 2 abcdef', 'sprintf "%+d % d %o %#o %X %#X %u" 5 6 8 8 255 255 -1', 'sprintf "%x" -1', 'sprintf "%hu %hd" -1 40000',
  'sprintf "%5.2s|" abc', 'sprintf "%d" x', 'sprintf "%q"', 'sprintf "%d"', 'sprintf "a" extra', 'sprintf "%"', 'sprintf "%s"',
  'htons 1', 'ntohs 0x1234', 'htonl 1', 'ntohl 0xdeadbeef', 'htons -1', 'htonl x', 'add 1 x', 'eq 1', 'mod 1 0', 'mod 1.5 1', 'rem 1 0',
  'div 1 0', 'div 0 0', 'idiv 1 0', 'idiv -7 2', 'mul 9007199254740991 3', 'add 1e20 1', 'add 1e21 0.5', 'div 1 3', 'mul -2.5e-7 1',
  'add 1234567890124.5 0.5', 'div 0.0009765625 1', 'mul 1e300 1e300', 'sub 0.5 0.5', 'neg 0.0', 'abs x', 'rem -1.5 1.5',
  'add 9007199254740992', 'mul 123456789 987654321', 'div 2 3 7', 'idiv 1e10 3.3', 'max 1.5 2', 'min', 'now', 'random', 'random 9 9',
  'cat note.txt', 'catq note.txt', 'cat missing', 'catq "note.txt"',
];

t.test('builtins through parameterised reads (results and error messages)', async (t) => {
  handlerDiff(t, { config: 's :: Script(TYPE PASSIVE);', files, handlers: builtinReads.map((r) => `s.${r}`), seed: 99 });
});

t.test('builtins inside a script, with their errors as chatter', async (t) => {
  const lines = builtinReads.map((r) => `print "${r.replace(/"/g, '\\"').replace(/\$/g, '\\$')} => $(${r})"`);
  differential(t, { config: `s :: Script(${lines.join(', ')}, stop);`, files, seed: 5 });
});

t.test('PACKET scripts route packets by their return value', async (t) => {
  differential(t, {
    config: `fd :: FromDump(in.pcap, STOP true) -> cl :: Classifier(12/0800, -);
      p :: Script(TYPE PACKET, set n $(add $n 1), goto other $(eq $input 1), return $(mod $n 3), label other, return 0);
      cl[0] -> [0]p; cl[1] -> [1]p; p[0] -> a :: Counter -> Discard; p[1] -> b :: Counter -> Discard; p[2] -> Discard;
      s :: Script(TYPE PASSIVE, print $(p.get n));`,
    files,
    handlers: ['a.count', 'b.count', 'p.get n', 's.run'],
  });
  differential(t, {
    config: 'fd :: FromDump(in.pcap, STOP true) -> p :: Script(TYPE PACKET, printn "", return 7) -> c :: Counter -> Discard; end :: Script(TYPE PUSH, set x 1); fd2 :: FromDump(in.pcap, STOP true) -> end -> c2 :: Counter -> Discard;',
    files,
    handlers: ['c.count', 'c2.count'],
  });
});

t.test('DriverManager', async (t) => {
  const skip = 24 + 16 * 100 + 20000;
  const managers = [
    'DriverManager(wait_stop, read c.count, write c.reset, print c.count, stop)',
    'DriverManager(wait_stop 2)',
    'DriverManager(wait_stop)',
    'DriverManager',
    'DriverManager(print "start", label l, pause, print "tick" $(c.count), goto l)',
    'DriverManager(wait_stop, print "cleanup", wait 5s, print "late" $(now), stop)',
    'DriverManager(wait 10s, print "skipped ahead", stop)',
    'DriverManager(print "start", pause, loop)',
    'DriverManager(wait_stop, write a.active true, wait_stop, stop)',
    'DriverManager(TYPE DRIVER, wait_stop 3, end)',
    'Script(TYPE DRIVER, wait_stop, print $(c.count), wait_stop, print $(c.count))',
  ];
  for (const m of managers) {
    await t.test(m, async (t) =>
      differential(t, {
        config: `a :: FromDump(in.pcap, STOP true) -> c :: Counter -> Discard;
          b :: FromDump(in.pcap, STOP true, FILEPOS ${skip}) -> c; ${m};`,
        files,
        handlers: ['c.count', 'a.count', 'b.count'],
      }));
  }
  await t.test('two driver scripts', async (t) => initErrors(t, { config: 'DriverManager(stop); Script(TYPE DRIVER, stop);' }));
  await t.test('a bad first wait', async (t) => initErrors(t, { config: 's :: Script(wait $(nosuch.h), stop);' }));
});

t.test('Script handlers written from outside', async (t) => {
  handlerDiff(t, {
    config: `${COUNTER} s :: Script(TYPE PASSIVE, label a, print "a" $args, pause, print "b", label c, print "c", return $(add $args 1));`,
    files,
    writes: [
      ['s.step', ''], ['s.step', '2'], ['s.step', 'x'], ['s.step', 'router'], ['s.goto', 'c'], ['s.goto', 'nope'], ['s.goto', 'begin'],
      ['s.run', '41'], ['s.set', 'v hello world'], ['s.set', ''], ['s.get', 'v'], ['s.add', '1'], ['s.nosuch', '1'],
    ],
    writesAfter: [['s.step', '-1'], ['s.run', '']],
    handlers: ['s.run', 's.run 5', 's.get v', 's.get nope', 's.shift v', 's.shift', 's.add 1 2', 's.add', 's.eq 1', 's.handlers', 'c.count',
      's.eq', 's.not', 's.neg', 's.htons', 's.cat', 's.sprintf', 's.first', 's.length', 's.get', 'c.count 1'],
  });
});

t.test('handler writes into the I/O elements from scripts', async (t) => {
  differential(t, {
    config: `fd :: FromDump(in.pcap, ACTIVE false) -> td :: ToDump(out.pcap) -> c :: Counter -> Discard;
      rs :: RatedSource(RATE 10, LIMIT 3) -> td2 :: ToDump(rated.pcap);
      ts :: TimedSource(1, LIMIT 2) -> p :: Print(t) -> Discard;
      s :: Script(write fd.active maybe, write fd.filepos x, write fd.filepos 99999999, write fd.extend_interval nope,
        write fd.filepos 24, write fd.active true, wait 1s, print $(fd.count) $(fd.filepos) $(fd.packet_filepos) $(td.count),
        write fd.reset_counts, write td.reset_counts, write fd.filepos 0, write fd.reset_timing, write fd.active true, wait 1s,
        print $(fd.count) $(td.count) $(c.count), write fd.stop, write rs.rate 1000, write rs.limit 5, write rs.reset, write rs.data abc,
        write rs.length 7, wait 2s, print $(rs.count) $(rs.data) $(rs.length), write ts.interval 250ms, write ts.reset, write ts.limit 6,
        write ts.data "xy", write ts.headroom 4, write p.active false, write p.active bad, wait 3s, print $(ts.count) $(ts.interval), stop);`,
    files,
    handlers: ['fd.count', 'td.count', 'c.count', 'rs.count', 'ts.count', 'fd.active'],
  });
  differential(t, {
    config: `fd :: FromDump(in.pcap, END_AFTER 0.00001, END_CALL s.step) -> c :: Counter -> Discard;
      s :: Script(TYPE PASSIVE, pause, print "end" $(c.count), write fd.extend_interval 0.00002, pause, print "end" $(c.count), write fd.stop);`,
    files,
    handlers: ['c.count', 'fd.active'],
  });
});

/** Builtin reads that succeed (the driver exits nonzero on a failing -h read). */
const SAFE_READS = new Set([
  'add 10 5 2', 'div 7 2', 'add 0.1 0.2', 'rem 7.5 2', 'abs -2.5', 'lt abc abd', 'and true yes 1', 'if false a b', 'in b a b c',
  'unquote \'x\'"y\\n"', 'sprintf "%.3d %#x %hd" 7 255 65535', 'sprintf "%x" -1', 'htonl 1', 'div 1 0', 'idiv 1 0', 'add 1e21 0.5',
  'add 1234567890124.5 0.5', 'div 0.0009765625 1', 'cat note.txt', 'catq note.txt', 'now',
]);

t.test('sanitizer builds: scripts', async (t) => {
  // the driver's standard output holds only the handler printout: scripts write files and standard error here
  sanitizerRun(t, { config: 's :: Script(set x 0, label l, print >>loop.txt $x, set x $(add $x 1), goto l $(lt $x 5), read s.add $x 1, stop);' });
  sanitizerRun(t, {
    config: `calc :: Script(TYPE PASSIVE, return $(mul $1 $2)); q :: Script(TYPE PASSIVE, returnq "$1 $#");
      s :: Script(print >r.txt $(calc.run 3 4), print >>r.txt $(q.run "a b" c), write calc.run 5, stop);`,
    handlers: ['calc.run', 'q.run'],
  });
  sanitizerRun(t, {
    config: `Idle -> c :: Counter -> Discard; s :: Script(print >a.txt "hello", print >>a.txt c.count, save c.count b.txt, append c.count b.txt,
      print >c.txt $(cat note.txt), print >>c.txt $(catq note.txt), print >>c.txt $(cat missing.txt), read c.count, errorq "done \\$x");`,
    files,
  });
  const calls = builtinReads.filter((r) => SAFE_READS.has(r)).map((r) => `print >>b.txt "${r.replace(/"/g, '\\"')} => $(${r})"`);
  sanitizerRun(t, { config: `s :: Script(${calls.join(', ')}, stop);`, files });
  sanitizerRun(t, {
    config: `a :: FromDump(in.pcap, STOP true) -> c :: Counter -> Discard; DriverManager(wait_stop, read c.count, write c.reset, read c.count, stop);`,
    files,
    handlers: ['c.count'],
  });
});

