// One script of ControlSocket conversations, run against both engines
// (host.test.ts, native.test.ts): what a client sends, and the replies it
// must get back (everything after the banner, until the server closes the
// connection; each conversation ends by closing the client's sending side,
// which makes the server run what is left and close).

/** The router both engines run: traffic keeps flowing while clients come and go. */
export const ROUTER_CORE = ['src :: RatedSource(LENGTH 60, RATE 2000) -> c :: Counter -> q :: Queue(100) -> u :: Unqueue -> d :: Discard;', 's :: Script(TYPE PASSIVE);'];

export function controlConfig(paths: { readonly unix: string; readonly readOnly: string }): string {
  return [
    ...ROUTER_CORE,
    `cs :: ControlSocket(UNIX, ${JSON.stringify(paths.unix)});`,
    `ro :: ControlSocket(UNIX, ${JSON.stringify(paths.readOnly)}, READONLY true);`,
    // TCP on a port the system picks: the host tests connect to it (the native ones use -p 0)
    'tcp :: ControlSocket(TCP, 0);',
    '',
  ].join('\n');
}

export interface Conversation {
  readonly name: string;
  /** Talk to the READONLY socket instead of the normal one. */
  readonly readOnly?: boolean;
  /** Chunks written one after another (with a short pause between). */
  readonly send: readonly (string | Buffer)[];
  /** The whole reply after the banner. */
  readonly expect: RegExp;
  /** The reply does not depend on traffic, so both engines must give identical bytes. */
  readonly exact?: boolean;
}

const ok = (h: string, data: string) => `200 Read handler '${h}' OK\r\nDATA ${Buffer.byteLength(data, 'latin1')}\r\n${data}`;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (s: string) => new RegExp(`^${esc(s)}$`);
const wok = (h: string) => `200 Write handler '${h}' OK\r\n`;

const BIG = 2_000_000;

export const conversations: readonly Conversation[] = [
  { name: 'QUIT ends the connection; later commands are not run', send: ['QUIT\r\nREAD version\r\n'], expect: exactly('200 Goodbye!\r\n'), exact: true },
  { name: 'end of input closes after the replies', send: ['READ version\r\n'], expect: exactly(ok('version', '2.1')), exact: true },
  { name: 'READ of counters', send: ['READ c.count\r\nREAD d.count\r\n'], expect: /^200 Read handler 'c\.count' OK\r\nDATA \d+\r\n\d+200 Read handler 'd\.count' OK\r\nDATA \d+\r\n\d+$/ },
  { name: 'elements by index, from 1', send: ['READ 2.class\r\nREAD 1.name\r\n'], expect: exactly(ok('2.class', 'Counter') + ok('1.name', 'src')), exact: true },
  { name: 'global handlers, bare, with a dot and as 0.h', send: ['READ version\r\nREAD .driver\r\nREAD 0.version\r\n'], expect: exactly(ok('version', '2.1') + ok('.driver', 'userlevel') + ok('0.version', '2.1')), exact: true },
  { name: 'list', send: ['READ list\r\n'], expect: exactly(ok('list', '9\nsrc\nc\nq\nu\nd\ns\ncs\nro\ntcp\n')), exact: true },
  {
    name: "WRITE a Counter's reset, a Queue capacity and a Script variable",
    send: ['WRITE c.reset\r\nWRITE q.capacity 7\r\nREAD q.capacity\r\nWRITE s.set x hello world\r\nREAD s.get x\r\n'],
    expect: exactly(wok('c.reset') + wok('q.capacity') + ok('q.capacity', '7') + wok('s.set') + ok('s.get', 'hello world')),
    exact: true,
  },
  {
    name: 'READDATA and WRITEDATA take exact byte counts (CR, LF and the next command inside)',
    send: [`WRITEDATA s.set ${'v two\r\nlines\nREAD version'.length}\r\nv two\r\nlines\nREAD versionREADDATA s.get 1\r\nvREAD 1.name\r\n`],
    expect: exactly(wok('s.set') + ok('s.get', 'two\r\nlines\nREAD version') + ok('1.name', 'src')),
    exact: true,
  },
  { name: 'READDATA 0 is a read without parameter', send: ['READDATA version 0\r\n'], expect: exactly(ok('version', '2.1')), exact: true },
  {
    name: 'READUNTIL and WRITEUNTIL: lines up to the terminator (trailing blanks ignored)',
    send: ['WRITEUNTIL s.set END\r\nw first\r\nsecond\r\nEND  \r\nREADUNTIL s.get .\nw\n.\nREAD s.get w\r\n'],
    expect: exactly(wok('s.set') + ok('s.get', 'first\r\nsecond\r\n') + ok('s.get', 'first\r\nsecond\r\n')),
    exact: true,
  },
  { name: 'WRITEUNTIL without a terminator reads up to a blank line', send: ['WRITEUNTIL s.set\r\nz a\r\nb\r\n\r\nREAD s.get z\r\n'], expect: exactly(wok('s.set') + ok('s.get', 'a\r\nb\r\n')), exact: true },
  {
    name: 'CHECKREAD and CHECKWRITE on existing and missing handlers',
    send: ['CHECKREAD c.count\r\nCHECKWRITE c.count\r\nCHECKWRITE c.reset\r\nCHECKREAD c.reset\r\nCHECKREAD c.nope\r\nCHECKWRITE zz.count\r\nCHECKREAD list\r\nCHECKWRITE stop\r\nCHECKREAD\r\n'],
    expect: exactly(
      "200 Read handler 'c.count' OK\r\n511 Handler 'c.count' not writable\r\n200 Write handler 'c.reset' OK\r\n511 Handler 'c.reset' not readable\r\n" +
        "511 No handler named 'c.nope'\r\n510 No element named 'zz'\r\n200 Read handler 'list' OK\r\n200 Write handler 'stop' OK\r\n500 Wrong number of arguments\r\n",
    ),
    exact: true,
  },
  {
    name: 'unknown commands and bad syntax',
    send: ['FROB c.count\r\nread version\r\nREAD\r\nREADDATA c.count x\r\nREADDATA c.count\r\n\r\n   \r\n'],
    expect: exactly("501 Command 'FROB' unimplemented\r\n" + ok('version', '2.1') + "500 Wrong number of arguments\r\n500 Syntax error in 'READDATA'\r\n500 Wrong number of arguments\r\n"),
    exact: true,
  },
  {
    name: 'unknown elements and handlers',
    send: ['READ zz.count\r\nREAD c.nope\r\nREAD 99.count\r\nREAD nope\r\nWRITE zz.x 1\r\n'],
    expect: exactly("510 No element named 'zz'\r\n511 No handler named 'c.nope'\r\n510 No element named '99'\r\n511 No handler named 'nope'\r\n510 No element named 'zz'\r\n"),
    exact: true,
  },
  {
    name: 'read-only and write-only handlers',
    send: ['WRITE c.count 5\r\nREAD c.reset\r\nWRITE version 3\r\n'],
    expect: exactly("530 Handler 'c.count' read-only\r\n530 Handler 'c.reset' write-only\r\n530 Handler 'version' read-only\r\n"),
    exact: true,
  },
  {
    name: 'handler errors come as 520 with the message',
    send: ['WRITE q.capacity lots\r\nREAD c.count extra\r\n'],
    expect: /^520-Write handler 'q\.capacity' error:\r\n520 [^\r\n]+\r\n520-Read handler 'c\.count' error:\r\n520 read handler 'c\.count' does not take parameters\r\n$/,
    exact: true,
  },
  {
    name: 'READONLY refuses writes, reads still work',
    readOnly: true,
    send: ['WRITE c.reset\r\nWRITEDATA q.capacity 1\r\n5CHECKWRITE c.reset\r\nCHECKWRITE c.count\r\nREAD version\r\nLLRPC c#1\r\n'],
    expect: exactly(
      "530 Permission denied for 'c.reset'\r\n530 Permission denied for 'q.capacity'\r\n530 Permission denied for 'c.reset'\r\n511 Handler 'c.count' not writable\r\n" + ok('version', '2.1') + "501 Cannot call LLRPC 'c#1' remotely\r\n",
    ),
    exact: true,
  },
  {
    name: 'LLRPC is refused',
    send: ['LLRPC c#0C04\r\nLLRPC c#1 3\r\nabcLLRPC c\r\nLLRPC zz#1\r\nREAD version\r\n'],
    expect: exactly("501 Cannot call LLRPC 'c#0C04' remotely\r\n501 Cannot call LLRPC 'c#1' remotely\r\n500 Syntax error in LLRPC name 'c'\r\n510 No element named 'zz'\r\n" + ok('version', '2.1')),
    exact: true,
  },
  {
    name: 'oversized WRITEDATA is refused and its bytes skipped',
    send: [`WRITEDATA s.set ${BIG}\r\n`, Buffer.alloc(BIG, 0x61), 'READ version\r\n'],
    expect: exactly(`521 Data too large for write handler 's.set' (${BIG} bytes, limit 1048576)\r\n` + ok('version', '2.1')),
    exact: true,
  },
  {
    name: 'oversized data after a CRLF split across reads: the LF is no data byte',
    send: [`WRITEDATA s.set ${BIG}\r`, '\n', Buffer.alloc(BIG, 0x61), 'READ version\r\n'],
    expect: exactly(`521 Data too large for write handler 's.set' (${BIG} bytes, limit 1048576)\r\n` + ok('version', '2.1')),
    exact: true,
  },
  { name: 'a line longer than the limit ends the connection', send: [Buffer.alloc(1_200_000, 0x62)], expect: exactly('500 Line too long (limit 1048576 bytes)\r\n'), exact: true },
  {
    name: 'a WRITEUNTIL body longer than the limit ends the connection',
    send: ['WRITEUNTIL s.set END\r\n', Buffer.alloc(1_200_000, 0x0a)],
    expect: exactly('521 Data too large (limit 1048576 bytes)\r\n'),
    exact: true,
  },
  {
    // Every byte value, NULs and lone CRs among them, in lines: each is a bad command; the connection survives them.
    name: 'binary garbage gets errors, then the next command is served',
    send: [Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 167 + 13) & 0xff)), Buffer.from('\r\n\x00\xff\xfe READ\r\n\x1b[2J\r\nREAD version\r\n', 'latin1')])],
    expect: /^(?:5\d\d [^\n]*\n)+200 Read handler 'version' OK\r\nDATA 3\r\n2\.1$/,
    exact: true,
  },
  { name: 'data cut short by the end of input', send: ['READDATA s.get 10\r\nabc'], expect: exactly('500 Not enough data\r\n'), exact: true },
  { name: 'a last line without its end of line still runs', send: ['READ version'], expect: exactly(ok('version', '2.1')), exact: true },
  {
    name: 'CR, LF and CRLF line ends; a CRLF split across reads; byte-by-byte input',
    send: ['WRITE s.set n yes\nREAD version\rREAD 1.name\nREAD 2.name\r', '\nREADDATA s.get 1\r', '\nn', ...'READ 3.name\r\n'.split('')],
    expect: exactly(wok('s.set') + ok('version', '2.1') + ok('1.name', 'src') + ok('2.name', 'c') + ok('s.get', 'yes') + ok('3.name', 'q')),
    exact: true,
  },
  { name: 'QUIT with arguments still closes', send: ['QUIT now\r\n'], expect: exactly('500 Bad command syntax\r\n200 Goodbye!\r\n'), exact: true },
  { name: 'HELP', send: ['HELP\r\n'], expect: /^(?:200-[^\r\n]*\r\n)+200 QUIT[^\r\n]*\r\n$/, exact: true },
  {
    name: 'messages cannot forge reply lines',
    send: ['READ c.x\x01y\r\n'],
    expect: exactly("511 No handler named 'c.x^Ay'\r\n"),
    exact: true,
  },
];

/** Check DATA framing of a whole reply: every line a reply line, every DATA n followed by exactly n bytes. */
export function framingProblem(reply: Buffer): string | undefined {
  let i = 0;
  let lastWasOk = false;
  while (i < reply.length) {
    const nl = reply.indexOf('\r\n', i);
    if (nl < 0) return `unterminated line at byte ${i}`;
    const line = reply.toString('latin1', i, nl);
    i = nl + 2;
    const d = /^DATA (\d+)$/.exec(line);
    if (d) {
      if (!lastWasOk) return `DATA without a 2xx reply before it at byte ${i}`;
      i += Number(d[1]);
      if (i > reply.length) return `DATA ${d[1]} runs past the end`;
      lastWasOk = false;
      continue;
    }
    const m = /^(\d{3})[ -]/.exec(line);
    if (!m) return `not a reply line: ${JSON.stringify(line)}`;
    lastWasOk = m[1]!.startsWith('2');
  }
  return undefined;
}
