/** Seeded random documents and operations for the property tests (no Math.random). */
import { type Component, OperationBuilder } from "../src/index.js";

export type Rng = () => number;

/** mulberry32, as scripts/vectors.mjs. */
export function prng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function int(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

const ATOMS = ["a", "b", "c", " ", "\n", "\r\n", "é", "中", "😀", "𠀀", "👍🏽"];

export function randomText(rng: Rng, maxAtoms = 12): string {
  let s = "";
  const n = int(rng, maxAtoms + 1);
  for (let i = 0; i < n; i++) s += ATOMS[int(rng, ATOMS.length)] ?? "";
  return s;
}

/** Offsets of s outside surrogate pairs. */
export function boundaries(s: string): number[] {
  const out = [0];
  for (let i = 1; i <= s.length; i++) {
    const high = s.charCodeAt(i - 1);
    const low = s.charCodeAt(i);
    if (!(high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff)) out.push(i);
  }
  return out;
}

/** A random canonical operation on s that cuts no surrogate pair. */
export function randomOp(rng: Rng, s: string): Component[] {
  const b = new OperationBuilder();
  const bounds = boundaries(s);
  let k = 0;
  while (k < bounds.length - 1) {
    if (rng() < 0.2) b.insert(randomText(rng, 3) || "q");
    const next = Math.min(bounds.length - 1, k + 1 + int(rng, 4));
    const n = (bounds[next] ?? 0) - (bounds[k] ?? 0);
    if (rng() < 0.6) b.retain(n);
    else b.delete(n);
    k = next;
  }
  if (rng() < 0.3) b.insert(randomText(rng, 3) || "w");
  return b.build();
}

/** A typist's edit: one insert or one delete at a random place (what undo composes). */
export function typingOp(rng: Rng, s: string): Component[] {
  const bounds = boundaries(s);
  const i = int(rng, bounds.length);
  const at = bounds[i] ?? 0;
  const b = new OperationBuilder().retain(at);
  if (rng() < 0.7 || i === bounds.length - 1) {
    b.insert(randomText(rng, 2) || "k").retain(s.length - at);
  } else {
    const end = bounds[i + 1] ?? s.length;
    b.delete(end - at).retain(s.length - end);
  }
  return b.build();
}
