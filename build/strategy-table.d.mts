export function strategyTable(strategy: string, root?: string): import('rollup').Plugin;
