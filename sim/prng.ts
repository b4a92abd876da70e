/**
 * A small seeded PRNG (sfc32, Chris Doty-Humphrey's Small Fast Chaotic generator): the whole simulator
 * draws from one of these, so a run is reproduced exactly by its seed. Math.random cannot be seeded.
 */
export interface Random {
  /** A uniform 32-bit unsigned integer. */
  u32(): number;
  /** A uniform float in [0, 1). */
  float(): number;
  /** A uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
}

export function createRandom(seed: number): Random {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  function u32(): number {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  }
  // The first outputs of sfc32 still show the constant state; discard them (the reference does 12).
  for (let i = 0; i < 12; i++) u32();
  return {
    u32,
    float: () => u32() / 0x100000000,
    int: (lo, hi) => lo + Math.floor((u32() / 0x100000000) * (hi - lo + 1)),
    chance: (p) => u32() / 0x100000000 < p,
  };
}
