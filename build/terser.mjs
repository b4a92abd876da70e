/**
 * terser's options for device bundles (rollup.config.mjs), shared with the diagnostics that rebuild a
 * bundle the same way (bench/src-bundle.ts) and with the thi.ng bundle the benchmark compares against.
 *
 * XS runs the code as written, one metered byte code at a time, so two of terser's size rewrites are
 * turned off: `sequences` joins statements with commas (`return m[11]++, 0` keeps the old value in a
 * temporary), and `conditionals` turns `if (a) f()` into `a && f()` (a duplicate, a branch and a pop
 * more). Measured with the bench's XS meter: about 4% fewer per operation for about 4% more bytes.
 *
 * `reduce_funcs` is off so that a function called once stays a function: terser would put its body at
 * the call as `function(){...}()`, and in a module xsl preloads, a function made at run time gets its
 * byte code copied into a new chunk of RAM on every call (garbage per call, found by test:moddable).
 */
export const TERSER_OPTIONS = Object.freeze({
  ecma: 2018,
  module: true,
  compress: { passes: 3, ecma: 2018, sequences: false, conditionals: false, reduce_funcs: false },
  format: { comments: false, ecma: 2018 },
});
