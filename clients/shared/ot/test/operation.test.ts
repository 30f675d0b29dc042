/** The algebra's laws on random documents, its canonical form, and its refusals. */
import assert from "node:assert/strict";
import { test } from "node:test";
import ot from "ot";

import {
  type Operation,
  apply,
  baseLength,
  compose,
  cursor,
  diff,
  fromJSON,
  invert,
  isNoop,
  shouldBeComposedWith,
  shouldBeComposedWithInverted,
  targetLength,
  transform,
  transformSelection,
} from "../src/index.js";
import { int, prng, randomOp, randomText, typingOp } from "./random.js";

const RUNS = 1000;

/** Canonical as ot.js builds it: no empty or zero step, no two of a kind, insert before delete. */
function assertCanonical(op: Operation): void {
  for (let i = 0; i < op.length; i++) {
    const c = op[i];
    assert.ok(c !== 0 && c !== "", `empty step in ${JSON.stringify(op)}`);
    const next = op[i + 1];
    if (next === undefined) continue;
    const kind = (x: unknown) => (typeof x === "string" ? "i" : (x as number) > 0 ? "r" : "d");
    assert.notEqual(kind(c), kind(next), `two of a kind in ${JSON.stringify(op)}`);
    assert.ok(!(kind(c) === "d" && kind(next) === "i"), `delete before insert ${JSON.stringify(op)}`);
  }
}

test("compose: apply(apply(S, A), B) = apply(S, compose(A, B))", () => {
  const rng = prng(11);
  for (let i = 0; i < RUNS; i++) {
    const s = randomText(rng);
    const a = randomOp(rng, s);
    const afterA = apply(s, a);
    const b = randomOp(rng, afterA);
    const ab = compose(a, b);
    assertCanonical(ab);
    assert.equal(apply(s, ab), apply(afterA, b));
    assert.equal(baseLength(ab), s.length);
    assert.equal(targetLength(ab), apply(afterA, b).length);
  }
});

test("transform: TP1, apply(apply(S, A), B') = apply(apply(S, B), A')", () => {
  const rng = prng(12);
  for (let i = 0; i < RUNS; i++) {
    const s = randomText(rng);
    const a = randomOp(rng, s);
    const b = randomOp(rng, s);
    const [a1, b1] = transform(a, b);
    assertCanonical(a1);
    assertCanonical(b1);
    assert.equal(apply(apply(s, a), b1), apply(apply(s, b), a1));
    // compose(A, B') = compose(B, A'): one operation, whichever side it is seen from.
    assert.deepEqual(compose(a, b1), compose(b, a1));
  }
});

test("invert undoes, and is its own inverse", () => {
  const rng = prng(13);
  for (let i = 0; i < RUNS; i++) {
    const s = randomText(rng);
    const a = randomOp(rng, s);
    const after = apply(s, a);
    const inverse = invert(a, s);
    assertCanonical(inverse);
    assert.equal(apply(after, inverse), s);
    assert.deepEqual(invert(inverse, after), a);
    assert.ok(isNoop(compose(a, inverse)) || apply(s, compose(a, inverse)) === s);
  }
});

test("ties: both insert at one offset, the left operand's insert comes first", () => {
  const [a1, b1] = transform(["x"], ["y"]);
  assert.equal(apply(apply("", ["x"]), b1), "xy");
  assert.equal(apply(apply("", ["y"]), a1), "xy");
  assert.deepEqual(transform([1, "x", 1], [1, "y", 1]), [[1, "x", 2], [2, "y", 1]]);
});

test("fromJSON: canonical form, and ot.js's refusals with its message", () => {
  assert.deepEqual(fromJSON([2, 3, "", -1, -1, "a", "b", 4]), [5, "ab", -2, 4]);
  assert.deepEqual(fromJSON(["a", -1, "b"]), ["ab", -1]);
  assert.deepEqual(fromJSON([""]), []);
  for (const bad of [0, true, false, null, [2], {}]) {
    assert.throws(() => fromJSON([1, bad]), { message: `unknown operation: ${JSON.stringify(bad)}` });
  }
  assert.throws(() => fromJSON([1.5]), /unknown operation: 1.5 \(lengths are integers\)/);
  assert.throws(() => fromJSON({}), /an operation must be an array, got \{\}/);
  assert.throws(() => fromJSON("ab"), /must be an array/);
  assert.throws(() => fromJSON(undefined), /must be an array, got undefined/);
});

test("errors: the exact mismatch, in ot.js's words", () => {
  assert.throws(() => apply("abc", [2]), {
    message: "The operation's base length must be equal to the string's length.",
  });
  assert.throws(() => compose([2], [3]), {
    message:
      "The base length of the second operation has to be the target length of the first operation",
  });
  assert.throws(() => transform([2], [3]), {
    message: "Both operations have to have the same base length",
  });
  assert.throws(() => invert([2], "abc"), /base length/);
});

test("undo composition rules agree with ot.js", () => {
  const rng = prng(14);
  for (let i = 0; i < RUNS; i++) {
    const s = randomText(rng);
    const a = rng() < 0.8 ? typingOp(rng, s) : randomOp(rng, s);
    const b = rng() < 0.8 ? typingOp(rng, apply(s, a)) : randomOp(rng, apply(s, a));
    const A = ot.TextOperation.fromJSON(a);
    const B = ot.TextOperation.fromJSON(b);
    assert.equal(shouldBeComposedWith(a, b), A.shouldBeComposedWith(B), JSON.stringify([a, b]));
    assert.equal(shouldBeComposedWithInverted(a, b), A.shouldBeComposedWithInverted(B));
  }
});

test("selections move as ot.js's Selection moves them", () => {
  const rng = prng(15);
  for (let i = 0; i < RUNS; i++) {
    const s = randomText(rng);
    const op = randomOp(rng, s);
    const anchor = int(rng, s.length + 1);
    const head = rng() < 0.5 ? anchor : int(rng, s.length + 1);
    const theirs = new ot.Selection([new ot.Selection.Range(anchor, head)]).transform(
      ot.TextOperation.fromJSON(op),
    );
    const ours = transformSelection({ ranges: [{ anchor, head }] }, op);
    assert.deepEqual(ours.ranges.map((r) => [r.anchor, r.head]), [
      [theirs.ranges[0].anchor, theirs.ranges[0].head],
    ]);
  }
  assert.deepEqual(transformSelection(cursor(1), [1, "ab"]), cursor(3));
});

test("diff: one replacement, never inside a surrogate pair", () => {
  const rng = prng(16);
  for (let i = 0; i < RUNS; i++) {
    const before = randomText(rng);
    const after = rng() < 0.5 ? randomText(rng) : apply(before, randomOp(rng, before));
    const op = diff(before, after);
    assertCanonical(op);
    assert.equal(apply(before, op), after);
  }
  assert.deepEqual(diff("😀", "😃"), ["😃", -2]);
  assert.deepEqual(diff("a😀", "a😃"), [1, "😃", -2]);
});
