import type { LockName, StrategyName } from '../src/types.js';

export type { LockName, StrategyName };

/** A checked targets/<name>.json. */
export interface Target {
  readonly name: string;
  /** The path shown in error messages, e.g. targets/esp32.json. */
  readonly file: string;
  readonly poolSize: number;
  readonly strategy: StrategyName;
  readonly lock: LockName;
  readonly alignment: number;
  readonly debug: boolean;
  readonly trace: boolean;
  /** True for the 'sim' target only. */
  readonly preempt: boolean;
  readonly note: string;
}

export declare function registryStrategies(): readonly StrategyName[];
export declare const LOCKS: readonly LockName[];
export declare const SIM_TARGET: string;
export declare const TARGET_FIELDS: readonly string[];

export declare class TargetError extends Error {
  readonly file: string;
  readonly problems: string[];
  constructor(file: string, problems: string[]);
}

export declare function validateTarget(name: string, data: unknown, file?: string, strategies?: readonly string[]): Target;
export declare function loadTargets(dir: string, options?: { only?: string[]; root?: string }): Target[];
export declare function buildConstants(target: Target): Record<string, string>;
