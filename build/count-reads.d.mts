export function countReads(code: string, id: string): { code: string; map: null };
export function countReadsPlugin(include: (id: string) => boolean): import('rollup').Plugin;
