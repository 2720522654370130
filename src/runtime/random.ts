/**
 * Seeded randomness. Every random choice in tickflow (backoff jitter, the simulated market) comes
 * from a `Random` derived from the system seed, so a run is reproducible. Each actor gets its own
 * stream forked by name, so adding an actor does not perturb the numbers another one sees.
 * The generator is sfc32 (32-bit small fast counter): good statistical quality, four integers of
 * state, no allocation per draw.
 */

/** A deterministic pseudo-random source. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, bound). */
  int(bound: number): number;
  /** An independent stream derived from this one's seed and `label`. */
  fork(label: string): Random;
}

/** 32-bit FNV-1a hash of a string, used to derive seeds from labels. */
export function hashString(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

class Sfc32 implements Random {
  // All four state words initialised here, in one order, so every instance shares a hidden class.
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = this.seed;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  private nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / 4294967296;
  }

  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  fork(label: string): Random {
    return new Sfc32(hashString(label, this.seed ^ 0x5bd1e995));
  }
}

/** Creates a seeded generator. The same seed gives the same sequence on every run and machine. */
export function createRandom(seed: number | string): Random {
  return new Sfc32(typeof seed === 'string' ? hashString(seed) : seed);
}
