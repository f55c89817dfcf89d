// Helpers for driving source elements in the harness until they are done.
import { createRequire } from 'node:module';
import type { Harness } from '../../util/element-harness.js';
import type { HostElement } from '../../../host-engine/element.js';

/** Run the task the way the engine would until it stops rescheduling itself (at most `max` runs). */
export function drain<E extends HostElement>(h: Harness<E>, max = 100000): number {
  let runs = 0;
  while (h.taskScheduled && runs < max) {
    h.runTaskLikeEngine();
    runs++;
  }
  return runs;
}

export interface ParsedByPcapParser {
  header: { magicNumber: number; snapshotLength: number; linkLayerType: number };
  packets: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }[];
}

interface PcapParserModule {
  parse(path: string): {
    on(event: 'globalHeader', f: (h: ParsedByPcapParser['header']) => void): void;
    on(event: 'packet', f: (p: ParsedByPcapParser['packets'][number]) => void): void;
    on(event: 'end', f: () => void): void;
    on(event: 'error', f: (e: Error) => void): void;
  };
}

/** Read a file with the independent pcap-parser package (classic microsecond pcap only). */
export function parseWithPcapParser(path: string): Promise<ParsedByPcapParser> {
  const pcapParser = createRequire(import.meta.url)('pcap-parser') as PcapParserModule;
  return new Promise((resolve, reject) => {
    const parser = pcapParser.parse(path);
    const result: ParsedByPcapParser = { header: { magicNumber: 0, snapshotLength: 0, linkLayerType: 0 }, packets: [] };
    parser.on('globalHeader', (h) => void (result.header = h));
    parser.on('packet', (p) => void result.packets.push(p));
    parser.on('error', reject);
    parser.on('end', () => resolve(result));
  });
}
