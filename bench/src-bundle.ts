/**
 * Bundles a source tree (src/ or a modified copy of it) for a device target the way rollup.config.mjs
 * does (the target's constants, ES2018, @inline expansion, terser), with a chosen list of exports, so that diagnostics can
 * meter inner layers in XS and compare a proposed change against the shipped code.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import { rollup, type Plugin } from 'rollup';
import { buildConstants, loadTargets } from '../build/targets.mjs';
import { inlinePlugin } from '../build/inline.mjs';
import { TERSER_OPTIONS } from '../build/terser.mjs';
import { strategyTable } from '../build/strategy-table.mjs';
import { transpile } from '../build/transpile.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = '\0src-bundle-entry';

type Factory = (options: Record<string, unknown>) => Plugin;
const callable = <F>(m: F | { default: F }): F => (typeof m === 'function' ? (m as F) : (m as { default: F }).default);
const replacePlugin = callable(replace as unknown as Factory | { default: Factory });
const terserPlugin = callable(terser as unknown as Factory | { default: Factory });

/** The entry: the export lines, relative to src/ (SRC); build/transpile.mjs does the TypeScript. */
function entry(SRC: string, exports: readonly string[]): Plugin {
  return {
    name: 'profile-entry',
    resolveId(id, importer) {
      if (id === ENTRY) return ENTRY;
      if (importer === ENTRY) return new URL(id.replace(/\.js$/, '.ts'), `file://${SRC}`).pathname;
      return null;
    },
    load: (id) => (id === ENTRY ? exports.join('\n') : null),
  };
}

/** `exports`: export lines relative to src/, e.g. `export { createAllocator } from './index.js';`. */
export async function bundleSources(SRC: string, targetName: string, exports: readonly string[]): Promise<string> {
  const target = loadTargets(`${ROOT}targets`).find((t: { name: string }) => t.name === targetName);
  if (!target) throw new Error(`no target ${targetName}`);
  const build = await rollup({ input: ENTRY, plugins: [entry(SRC, exports), strategyTable(target.strategy, join(SRC, '..')), transpile('ES2018'), replacePlugin({ preventAssignment: true, values: buildConstants(target) })] });
  const { output } = await build.generate({
    format: 'es',
    plugins: [inlinePlugin(), terserPlugin(structuredClone(TERSER_OPTIONS))],
  });
  await build.close();
  return output[0].code;
}

