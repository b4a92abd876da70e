/**
 * A device bundle's table of strategies (src/strategies/registry.ts) holds its target's one strategy:
 * this plugin puts in place of the registry a module that imports `src/strategies/<name>.ts` alone, so
 * no other strategy's code is in the bundle (test/dead-code.test.ts checks it).
 */
import { join } from 'node:path';

const TABLE = '\0mcalloc-strategy-table';

/** @param {string} strategy the target's strategy; @param {string} root the package root */
export function strategyTable(strategy, root = process.cwd()) {
  const registry = join(root, 'src', 'strategies', 'registry.ts');
  return {
    name: 'mcalloc-strategy-table',
    async resolveId(source, importer, options) {
      if (source === TABLE || importer === undefined || importer === TABLE) return source === TABLE ? TABLE : null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === registry ? TABLE : null;
    },
    load(id) {
      if (id !== TABLE) return null;
      const file = JSON.stringify(join(root, 'src', 'strategies', `${strategy}.ts`));
      return [
        `import { structure } from ${file};`,
        `export const STRUCTURES = Object.freeze({ ${JSON.stringify(strategy)}: structure });`,
        `export const STRATEGY_NAMES = Object.freeze([${JSON.stringify(strategy)}]);`,
      ].join('\n');
    },
  };
}
