export function transpile(target: 'ES2018' | 'ES2022'): import('rollup').Plugin;
