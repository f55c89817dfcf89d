// Run the tap suite and end with the plain `N passed, N failed` line CI reads.
// Arguments are passed to tap (e.g. a subset of test files).
import { spawn } from 'node:child_process';

const args = ['tap', '--reporter=tap', ...process.argv.slice(2)];
const child = spawn('npx', args, { stdio: ['ignore', 'pipe', 'inherit'] });
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4096);
});
child.on('close', (code) => {
  // tap's summary, e.g. `# { total: 12, pass: 10, fail: 1, skip: 1 }`: a skipped or todo test is not a failure.
  const m = /# \{ (total: \d+[^}]*)\}/.exec(tail);
  const count = (key) => Number(new RegExp(`\\b${key}: (\\d+)`).exec(m ? m[1] : '')?.[1] ?? 0);
  const total = count('total');
  const passed = count('pass');
  let failed = m ? (/\bfail: /.test(m[1]) ? count('fail') : total - passed - count('skip') - count('todo')) : 1;
  if (code !== 0 && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
