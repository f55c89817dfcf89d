// `clickvm image`: check a configuration, compile it, and link it with the
// VM kernel into a bootable image (`qemu-system-x86_64 -M microvm -kernel
// IMAGE`); prints the image's size and the elements inside it.

import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { imageForConfig, writeManifest } from '../../vm-image/image.js';
import { INPUT_POSITIONALS, inputOptions, readInput, type InputArgs } from '../input.js';
import { io, printDiagnostics, UsageError } from '../report.js';

interface ImageArgs extends InputArgs {
  output?: string;
  batch?: number;
}

export const imageCommand: CommandModule<object, ImageArgs> = {
  command: `image ${INPUT_POSITIONALS}`,
  describe: 'build a bootable VM image of a configuration (QEMU microvm, PVH)',
  builder: (y) =>
    inputOptions(y)
      .option('output', { alias: 'o', type: 'string', describe: 'the image file to write', requiresArg: true })
      .option('batch', { type: 'number', describe: 'packets per batch (CVM_BATCH_MAX, default 64)' })
      .example('$0 image router.click -o router.img', 'then: qemu-system-x86_64 -M microvm -kernel router.img -append "-h c.count" ...'),
  handler: (args) => {
    if (!args.output) throw new UsageError('image needs an output file: -o FILE');
    if (args.batch !== undefined && !(Number.isInteger(args.batch) && args.batch >= 1 && args.batch <= 4096)) {
      throw new UsageError(`--batch takes a whole number from 1 to 4096, not '${args.batch}'`);
    }
    const input = readInput(args);
    const made = imageForConfig(input, { batch: args.batch });
    printDiagnostics(made.warnings);
    const built = made.built;
    const out = resolve(args.output);
    mkdirSync(dirname(out), { recursive: true });
    copyFileSync(built.output, out);
    writeManifest(out, { config: input.fileName, nics: made.nics.count, classes: Object.fromEntries(made.classes), size: built.size });
    const counts = made.classes;
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    io.out(`${args.output}: ${built.size} bytes (${(built.size / 1024).toFixed(1)} KiB)\n`);
    io.out(`${total} element${total === 1 ? '' : 's'} in ${counts.size} class${counts.size === 1 ? '' : 'es'}:\n`);
    for (const [c, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) io.out(`  ${String(n).padStart(4)}  ${c}\n`);
    if (made.nics.count) io.out(`${made.nics.count} NIC${made.nics.count === 1 ? '' : 's'}: start it with one --nic for each (clickvm vm start)\n`);
  },
};
