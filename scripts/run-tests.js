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
  const m = /# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?[^}]*\}/.exec(tail);
  const total = m ? Number(m[1]) : 0;
  const passed = m ? Number(m[2]) : 0;
  let failed = m ? Number(m[3] ?? total - passed) : 1;
  if (code !== 0 && failed === 0) failed = 1;
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code === 0 && failed === 0 ? 0 : 1);
});
