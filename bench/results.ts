/** What one run of the bench measured: the figures report.ts writes out and goals.ts holds to the goals. */
import type { TargetSize } from './dist.js';
import type { NodeResults } from './node-timing.js';
import type { Previous } from './previous.js';
import type { Program } from './program.js';
import type { Summary } from './stats.js';
import type { XSTable } from './xs-compute.js';

export interface Results extends NodeResults {
  quick: boolean;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string; date: string; xsnap: string; thing: string };
  settings: {
    rounds: number;
    sampleMs: number;
    warmMs: number;
    nativeReps: number;
    xsPairs: number;
    scalingSizes: number[];
    holeRange: number[];
    pairSets: Record<string, number[]>;
  };
  programs: Program[];
  contenders: string[];
  nativeMemory: Map<string, Summary>;
  xs: { perOp: XSTable; perPair: XSTable; harness: { perOp: Map<string, number>; perPair: Map<string, number> } };
  bundles: { targets: Record<string, TargetSize>; thing: { raw: number; gzip: number } };
  seconds: number;
  /** The committed figures the utilization goal compares with. */
  previous: Previous | null;
}
