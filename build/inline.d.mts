export function inlineMarked(code: string): { code: string; inlined: string[] };
export function inlinePlugin(): import('rollup').Plugin;
