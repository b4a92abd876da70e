/**
 * @thi.ng/malloc bundled the way the device bundles are (rollup.config.mjs): one ES module, ES2018,
 * terser with the same options, release configuration. Its packages ship plain ESM (esbuild output,
 * ES2022), so a few lines of resolve plugin replace @rollup/plugin-node-resolve, and TypeScript's
 * transpileModule lowers each module to ES2018 as the device build does for mcalloc's sources.
 * `import.meta.env` (its assertion switch, read where `process` does not exist, as in XS) becomes a
 * production MODE, as a release bundler would set it: assertions off, like mcalloc's release bundles.
 */
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import { TERSER_OPTIONS } from '../build/terser.mjs';
import { rollup, type Plugin } from 'rollup';
import ts from 'typescript';

const ENTRY = '\0thing-entry';

/**
 * The plugins' types describe CommonJS modules (their package has no "type": "module"), so TypeScript
 * sees `{ default }` where Node's ESM import gives the function itself; accept either.
 */
function callable<F>(m: F | { default: F }): F {
  return typeof m === 'function' ? (m as F) : (m as { default: F }).default;
}
type Factory = (options: Record<string, unknown>) => Plugin;
const replacePlugin = callable(replace as unknown as Factory | { default: Factory });
const terserPlugin = callable(terser as unknown as Factory | { default: Factory });

function entry(): Plugin {
  return {
    name: 'thing-entry',
    resolveId: (id) => (id === ENTRY ? ENTRY : null),
    load: (id) => (id === ENTRY ? `export { MemPool } from '@thi.ng/malloc';` : null),
  };
}

/** Bare @thi.ng/* specifiers through Node's own ESM resolution (the packages' "exports" maps). */
function resolveThing(): Plugin {
  return {
    name: 'resolve-thing',
    resolveId: (id) => (id.startsWith('@thi.ng/') ? fileURLToPath(import.meta.resolve(id)) : null),
  };
}

function es2018(): Plugin {
  return {
    name: 'es2018',
    transform(code, id) {
      if (id === ENTRY) return null;
      const out = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: { target: ts.ScriptTarget.ES2018, module: ts.ModuleKind.ESNext, allowJs: true },
      });
      return { code: out.outputText, map: null };
    },
  };
}

export interface ThingBundle {
  source: string;
  raw: number;
  gzip: number;
}

export async function bundleThing(): Promise<ThingBundle> {
  const build = await rollup({
    input: ENTRY,
    plugins: [
      entry(),
      resolveThing(),
      // Default delimiters refuse a match followed by '.', and the source reads import.meta.env.MODE.
      replacePlugin({ preventAssignment: true, delimiters: ['\\b', '\\b'], values: { 'import.meta.env': '({ MODE: "production" })' } }),
      es2018(),
    ],
    onwarn(w) {
      throw new Error(`thi.ng bundle: ${w.code}: ${w.message}`);
    },
  });
  const { output } = await build.generate({
    format: 'es',
    plugins: [terserPlugin(structuredClone(TERSER_OPTIONS))],
  });
  await build.close();
  const source = output[0].code;
  const bytes = Buffer.from(source);
  return { source, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}
