export declare const TERSER_OPTIONS: Readonly<{
  ecma: 2018;
  module: true;
  compress: { passes: number; ecma: 2018; sequences: boolean; conditionals: boolean };
  format: { comments: boolean; ecma: 2018 };
}>;
