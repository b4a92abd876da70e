/**
 * TypeScript for rollup without a program: each module is transpiled on its own (ts.transpileModule;
 * tsconfig has isolatedModules, so nothing needs another file's types), and `./x.js` imports are
 * resolved to `./x.ts`. Type errors are `npm run typecheck`'s job. The device bundles and the CLI take
 * this; the Node library keeps @rollup/plugin-typescript for its declarations. About ten times faster
 * than a program per bundle.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

const TARGETS = { ES2018: ts.ScriptTarget.ES2018, ES2022: ts.ScriptTarget.ES2022 };

/** @param {'ES2018' | 'ES2022'} target */
export function transpile(target) {
  return {
    name: 'mcalloc-transpile',
    resolveId(source, importer) {
      if (importer === undefined || !(source.startsWith('./') || source.startsWith('../')) || !source.endsWith('.js')) return null;
      const file = resolve(dirname(importer), source.slice(0, -3) + '.ts');
      return existsSync(file) ? file : null;
    },
    transform(code, id) {
      if (!id.endsWith('.ts')) return null;
      const out = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: { target: TARGETS[target], module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true, sourceMap: false },
      });
      return { code: out.outputText, map: null };
    },
  };
}
