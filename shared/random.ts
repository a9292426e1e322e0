/**
 * mulberry32 (Tommy Ettinger, public domain): a tiny, fast, good-enough 32-bit PRNG in [0, 1).
 * Seeded, so simulated scans and the tests' faults replay the same from the same seed.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
