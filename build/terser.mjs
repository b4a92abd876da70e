/**
 * terser's options for device bundles (rollup.config.mjs), shared with the diagnostics that rebuild a
 * bundle the same way (bench/src-bundle.ts) and with the thi.ng bundle the benchmark compares against.
 *
 * XS runs the code as written, one metered byte code at a time, so two of terser's size rewrites are
 * turned off: `sequences` joins statements with commas (`return m[11]++, 0` keeps the old value in a
 * temporary), and `conditionals` turns `if (a) f()` into `a && f()` (a duplicate, a branch and a pop
 * more). Measured with the bench's XS meter: about 4% fewer per operation for about 4% more bytes.
 */
export const TERSER_OPTIONS = Object.freeze({
  ecma: 2018,
  module: true,
  compress: { passes: 3, ecma: 2018, sequences: false, conditionals: false },
  format: { comments: false, ecma: 2018 },
});
