// Writes test vectors for the OT algebra, computed by ot.js itself (the npm `ot` package, the
// reference implementation), so that every port (this package's TypeScript, the Python server)
// can be checked against the same answers.
//
//   node scripts/vectors.mjs OUT.json [--seed N] [--count K]
//
// OUT.json is a JSON array of cases, each
//
//   {"fn": "apply" | "compose" | "transform" | "invert" | "fromJSON" | "transformIndex",
//    "args": [...], "result": ..., "error": true, "ours": "refuse"}
//
// with exactly one of `result` (what ot.js returned) and `error` (ot.js threw), and `ours`
// only where a port is stricter than ot.js: ot.js's answer is then recorded but a port must
// throw instead. Operations are in ot.js's JSON form (TextOperation.toJSON(): positive integer
// = retain, negative = delete, string = insert; lengths in UTF-16 code units).
//
//   apply           args [text, op]      result: the new text
//   compose         args [a, b]          result: compose(a, b)
//   transform       args [a, b]          result: [a', b']
//   invert          args [op, text]      result: the inverse of op on text
//   fromJSON        args [value]         result: the canonical operation
//   transformIndex  args [index, op]     result: the index moved through op (a cursor, as
//                                        ot.js's Selection.Range.transform moves it)
//
// For each of the six functions, K random cases (default 200) and then fixed ones: the
// malformed values for fromJSON (0, true, false, null, [1,[2]], {}, "", 1.5, each alone and in
// an array), mismatched lengths (errors), and invert on a text of the wrong length (ot.js
// slices it anyway; `ours: "refuse"`). Random documents mix ASCII, CRLF, accents, CJK in and
// outside the BMP (U+20000) and emoji; apply, invert and transformIndex ops are made against a
// document and never split a surrogate pair; compose and transform pairs are valid pairs, plus
// some whose lengths do not fit (errors). The output is the same for the same seed and count.
import { writeFileSync } from "node:fs";
import ot from "ot";

const { TextOperation, Selection } = ot;

/** mulberry32: a small seeded PRNG, returns floats in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATOMS = ["a", "b", "z", " ", "\n", "\r\n", "\t", "é", "中", "😀", "𠀀", "👍🏽", "x"];

function int(rng, n) {
  return Math.floor(rng() * n);
}

function randomText(rng, maxAtoms) {
  let s = "";
  const n = int(rng, maxAtoms + 1);
  for (let i = 0; i < n; i++) s += ATOMS[int(rng, ATOMS.length)];
  return s;
}

/** The offsets of s that do not fall inside a surrogate pair. */
function boundaries(s) {
  const out = [0];
  for (let i = 1; i <= s.length; i++) {
    const low = s.charCodeAt(i);
    const high = s.charCodeAt(i - 1);
    const inside = high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
    if (!inside) out.push(i);
  }
  return out;
}

/** A random canonical operation (ot.js-built) on s that splits no surrogate pair. */
function randomOp(rng, s) {
  const op = new TextOperation();
  const bounds = boundaries(s);
  let k = 0; // index into bounds of the current position
  while (k < bounds.length - 1) {
    if (rng() < 0.2) op.insert(randomText(rng, 3) || "q");
    const next = Math.min(bounds.length - 1, k + 1 + int(rng, 4));
    const n = bounds[next] - bounds[k];
    if (rng() < 0.6) op.retain(n);
    else op.delete(n);
    k = next;
  }
  if (rng() < 0.3) op.insert(randomText(rng, 3) || "w");
  return op;
}

const op = (value) => TextOperation.fromJSON(value);
const json = (operation) => operation.toJSON().slice();

/** ot.js's answer for one case, in JSON form. */
function reference(fn, [x, y]) {
  switch (fn) {
    case "apply":
      return op(y).apply(x);
    case "compose":
      return json(op(x).compose(op(y)));
    case "transform":
      return TextOperation.transform(op(x), op(y)).map(json);
    case "invert":
      return json(op(x).invert(y));
    case "fromJSON":
      return json(op(x));
    case "transformIndex":
      return new Selection.Range(x, x).transform(op(y)).anchor;
  }
  throw new Error(`unknown fn ${fn}`);
}

/** A case with ot.js's result, or error: true where ot.js threw. */
function record(fn, args) {
  try {
    return { fn, args, result: reference(fn, args) };
  } catch {
    return { fn, args, error: true };
  }
}

function randomCases(rng, count) {
  const cases = [];
  const times = (make) => {
    for (let i = 0; i < count; i++) cases.push(make(i));
  };
  times(() => {
    const s = randomText(rng, 12);
    return record("apply", [s, json(randomOp(rng, s))]);
  });
  times(() => {
    const s = randomText(rng, 12);
    return record("invert", [json(randomOp(rng, s)), s]);
  });
  times((i) => {
    const s = randomText(rng, 12);
    const a = randomOp(rng, s);
    // Every tenth pair does not fit: b's base is one longer than a's target.
    const b = randomOp(rng, a.apply(s) + (i % 10 === 9 ? "x" : ""));
    return record("compose", [json(a), json(b)]);
  });
  times((i) => {
    const s = randomText(rng, 12);
    const a = randomOp(rng, s);
    const b = randomOp(rng, i % 10 === 9 ? s + "y" : s);
    return record("transform", [json(a), json(b)]);
  });
  times(() => {
    // Not canonical on purpose: split runs, empty inserts, deletes before inserts.
    const value = [];
    const n = int(rng, 7);
    for (let j = 0; j < n; j++) {
      const r = rng();
      if (r < 0.35) value.push(1 + int(rng, 4));
      else if (r < 0.65) value.push(-1 - int(rng, 4));
      else if (r < 0.75) value.push("");
      else value.push(randomText(rng, 2) || "v");
    }
    return record("fromJSON", [value]);
  });
  times(() => {
    const s = randomText(rng, 12);
    return record("transformIndex", [int(rng, s.length + 1), json(randomOp(rng, s))]);
  });
  return cases;
}

/** Where ot.js answers but a port refuses: only arrays are operations, lengths are integers. */
function stricter(value) {
  if (!Array.isArray(value)) return true;
  return value.some((v) => typeof v === "number" && !Number.isInteger(v));
}

function fixedCases() {
  const cases = [];
  const malformed = [0, true, false, null, [1, [2]], {}, "", 1.5];
  for (const value of [...malformed, ...malformed.map((v) => [v]), [-1.5], [3, 1.5], "ab"]) {
    const c = record("fromJSON", [value]);
    if (!c.error && stricter(value)) c.ours = "refuse";
    cases.push(c);
  }
  cases.push(record("apply", ["😀", [2, "x"]]));
  cases.push(record("apply", ["ab", [1, "a", -1]]));
  cases.push(record("apply", ["", []]));
  cases.push(record("apply", ["a", []]));
  cases.push(record("compose", [[1, "a", -1], [2]]));
  cases.push(record("compose", [["a"], ["b", -1]]));
  cases.push(record("transform", [["a"], ["b"]]));
  cases.push(record("transform", [[1, "a"], [2]]));
  cases.push(record("transformIndex", [1, [1, "a"]]));
  for (const text of ["a", "abcd"]) {
    // ot.js's invert does not check the text's length; a port does.
    const c = record("invert", [[1, "a", -1], text]);
    if (!c.error) c.ours = "refuse";
    cases.push(c);
  }
  return cases;
}

function generate(seed, count) {
  return [...randomCases(prng(seed), count), ...fixedCases()];
}

function main(argv) {
  const out = argv[0];
  if (!out || out.startsWith("--")) {
    process.stderr.write("usage: node scripts/vectors.mjs OUT.json [--seed N] [--count K]\n");
    process.exit(2);
  }
  const option = (name, fallback) => {
    const i = argv.indexOf(name);
    if (i < 0) return fallback;
    const n = Number(argv[i + 1]);
    if (!Number.isInteger(n) || n < 0) {
      process.stderr.write(`${name} expects a non-negative integer\n`);
      process.exit(2);
    }
    return n;
  };
  const cases = generate(option("--seed", 1), option("--count", 200));
  writeFileSync(out, JSON.stringify(cases) + "\n");
}

main(process.argv.slice(2));
