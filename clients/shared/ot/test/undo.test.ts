/**
 * The undo manager against ot.js's UndoManager, and what a user expects of it: undo takes back
 * only your own edits, wherever the others' edits moved them.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { test } from "node:test";
import ot from "ot";

import {
  type Operation,
  OperationBuilder,
  UndoManager,
  apply,
  invert,
  shouldBeComposedWithInverted,
} from "../src/index.js";
import { type Rng, boundaries, int, prng, randomOp, randomText, typingOp } from "./random.js";

// ot's index does not export its UndoManager; its file does.
interface OtOp {
  toJSON(): Operation;
}
interface OtUndoManager {
  undoStack: OtOp[];
  redoStack: OtOp[];
  add(op: OtOp, compose: boolean): void;
  transform(op: OtOp): void;
  performUndo(fn: (op: OtOp) => void): void;
  performRedo(fn: (op: OtOp) => void): void;
  canUndo(): boolean;
  canRedo(): boolean;
}
const OtUndoManager = createRequire(import.meta.url)("ot/lib/undo-manager.js") as new (
  maxItems?: number,
) => OtUndoManager;

const RUNS = 300;
const STEPS = 80;
const json = (op: Operation): OtOp => ot.TextOperation.fromJSON(op);

/** Our stacks, private to the class, read as ot.js's are. */
function stacks(m: UndoManager) {
  const s = m as unknown as { undoStack: Operation[]; redoStack: Operation[] };
  return { undo: s.undoStack, redo: s.redoStack };
}

function differential(seed: number): void {
  const rng = prng(seed);
  const maxItems = [0, 1, 2, 3, 5, 50][int(rng, 6)] ?? 0; // 0 means the default, 50
  const ours = new UndoManager(maxItems);
  const theirs = new OtUndoManager(maxItems);
  let text = randomText(rng);
  const trace: string[] = [];

  /** Undo or redo on both: the same op performed; its inverse goes to the other stack. */
  const perform = (which: "undo" | "redo") => {
    const compose = rng() < 0.5; // ignored while undoing or redoing, by both
    let performed: Operation | null = null;
    const fn = (op: Operation) => {
      assert.equal(which === "undo" ? ours.isUndoing() : ours.isRedoing(), true);
      ours.add(invert(op, text), compose);
      performed = op;
    };
    if (which === "undo") ours.performUndo(fn);
    else ours.performRedo(fn);
    let theirOp: Operation | null = null;
    const theirFn = (op: OtOp) => {
      theirs.add(json(invert(op.toJSON(), text)), compose);
      theirOp = op.toJSON();
    };
    if (which === "undo") theirs.performUndo(theirFn);
    else theirs.performRedo(theirFn);
    assert.deepEqual(performed, theirOp, `seed ${seed}: ${trace.join(" ")}`);
    text = apply(text, performed as unknown as Operation);
    trace.push(which);
  };

  for (let step = 0; step < STEPS; step++) {
    const r = rng();
    if (r < 0.45) {
      const op = rng() < 0.7 ? typingOp(rng, text) : randomOp(rng, text);
      const inverse = invert(op, text);
      const top = ours.peekUndo();
      const compose =
        rng() < 0.5 ? rng() < 0.5 : top !== undefined && shouldBeComposedWithInverted(inverse, top);
      ours.add(inverse, compose);
      theirs.add(json(inverse), compose);
      text = apply(text, op);
      trace.push(compose ? "edit+" : "edit");
    } else if (r < 0.65) {
      const op = randomOp(rng, text);
      ours.transform(op);
      theirs.transform(json(op));
      text = apply(text, op);
      trace.push("remote");
    } else if (r < 0.85) {
      assert.equal(ours.canUndo(), theirs.canUndo());
      if (ours.canUndo()) perform("undo");
    } else {
      assert.equal(ours.canRedo(), theirs.canRedo());
      if (ours.canRedo()) perform("redo");
    }
    const where = `seed ${seed}, maxItems ${maxItems}: ${trace.join(" ")}`;
    assert.deepEqual(
      stacks(ours),
      {
        undo: theirs.undoStack.map((o) => o.toJSON()),
        redo: theirs.redoStack.map((o) => o.toJSON()),
      },
      where,
    );
    assert.ok(stacks(ours).undo.length <= (maxItems || 50), where);
  }
}

test(`random add/transform/undo/redo, ${RUNS} seeds: the same stacks and ops as ot.js`, () => {
  for (let seed = 1; seed <= RUNS; seed++) differential(seed);
});

test("nothing to undo: ot.js's error, and the manager is not left undoing", () => {
  const m = new UndoManager();
  assert.throws(() => m.performUndo(() => {}), { message: "undo not possible" });
  assert.throws(() => m.performRedo(() => {}), { message: "redo not possible" });
  assert.equal(m.isUndoing(), false);
  m.add([1, -1], false); // an edit after the failed undo is an edit, not a redo step
  assert.deepEqual(stacks(m), { undo: [[1, -1]], redo: [] });
});

// --- two users ----------------------------------------------------------------------------

const insert = (text: string, at: number, s: string) =>
  new OperationBuilder().retain(at).insert(s).retain(text.length - at).build();
const remove = (text: string, from: number, to: number) =>
  new OperationBuilder().retain(from).delete(to - from).retain(text.length - to).build();

/** A text edited by me (recorded for undo) and by someone else (moving my undo steps). */
class TwoUsers {
  readonly undo: UndoManager;
  constructor(
    public text: string,
    maxItems?: number,
  ) {
    this.undo = new UndoManager(maxItems);
  }
  mine(op: Operation, compose = false): this {
    this.undo.add(invert(op, this.text), compose);
    this.text = apply(this.text, op);
    return this;
  }
  theirs(op: Operation): this {
    this.undo.transform(op);
    this.text = apply(this.text, op);
    return this;
  }
  step(which: "undo" | "redo"): string {
    const fn = (op: Operation) => this.mine(op);
    if (which === "undo") this.undo.performUndo(fn);
    else this.undo.performRedo(fn);
    return this.text;
  }
  undoAll(): string {
    while (this.undo.canUndo()) this.step("undo");
    return this.text;
  }
}

test("two users: undoing all my steps leaves exactly the other's edits", () => {
  // I add a line and a word; they put an emoji at the start and a word inside my line.
  let t = "print(1)\n";
  const u = new TwoUsers(t);
  u.mine(insert((t = u.text), t.length, "x = 2\n"));
  u.theirs(insert((t = u.text), 0, "# 😀\n"));
  u.mine(insert((t = u.text), t.indexOf("1"), "0+"));
  u.theirs(insert((t = u.text), t.indexOf("= 2"), "y ")); // "x y = 2": inside my line
  assert.equal(u.text, "# 😀\nprint(0+1)\nx y = 2\n");
  assert.equal(u.step("undo"), "# 😀\nprint(1)\nx y = 2\n", "my latest step first");
  assert.equal(u.step("undo"), "# 😀\nprint(1)\ny ", "my line goes, their word in it stays");
  assert.equal(u.undo.canUndo(), false);
  assert.equal(u.step("redo"), "# 😀\nprint(1)\nx y = 2\n", "redo puts my line back around it");
});

test("two users: my deletion comes back where it was, next to their edits", () => {
  const u = new TwoUsers("the quick brown 🦊 jumps");
  let t = u.text;
  u.mine(remove(t, t.indexOf("quick "), t.indexOf("brown")));
  t = u.text;
  u.theirs(remove(t, t.indexOf("🦊"), t.indexOf("🦊") + 2)); // they delete the fox (two units)
  t = u.text;
  u.theirs(insert(t, t.indexOf(" jumps"), "👍🏽"));
  assert.equal(u.text, "the brown 👍🏽 jumps");
  assert.equal(u.undoAll(), "the quick brown 👍🏽 jumps");
});

test("two users: what they deleted of my text stays deleted when I undo", () => {
  const u = new TwoUsers("ab");
  u.mine(insert("ab", 1, "X😀Z"));
  u.theirs(remove(u.text, 2, 4)); // the emoji I typed
  u.theirs(insert(u.text, u.text.length, "é"));
  assert.equal(u.text, "aXZbé");
  assert.equal(u.undoAll(), "abé");
});

test("two users: with maxItems 3, only my last 3 steps undo", () => {
  const u = new TwoUsers("", 3);
  for (const word of ["one ", "two ", "three ", "four ", "five "]) {
    u.mine(insert(u.text, u.text.length, word));
    u.theirs(insert(u.text, 0, "·"));
  }
  assert.equal(u.undoAll(), "·····one two ");
});

/** I type only capitals, 🙂 and 🎉 (random.ts never does); after undo all, none is left. */
function insertOnlyProperty(seed: number): void {
  const rng: Rng = prng(seed);
  const u = new TwoUsers(randomText(rng).replace(/[A-Z]/g, ""), 1000);
  for (let step = 0; step < 40; step++) {
    const bounds = boundaries(u.text);
    if (rng() < 0.5) {
      const word = ["A", "BC", "D🙂", "🎉E"][int(rng, 4)] as string;
      const at = bounds[int(rng, bounds.length)] ?? 0;
      const top = u.undo.peekUndo();
      const op = insert(u.text, at, word);
      u.mine(op, top !== undefined && shouldBeComposedWithInverted(invert(op, u.text), top));
    } else {
      u.theirs(rng() < 0.3 ? typingOp(rng, u.text) : randomOp(rng, u.text));
    }
  }
  const before = u.text;
  const theirsOnly = before.replace(/[A-Z🙂🎉]/gu, "");
  assert.equal(u.undoAll(), theirsOnly, `seed ${seed}: ${JSON.stringify(before)}`);
  while (u.undo.canRedo()) u.step("redo");
  assert.equal(u.text, before, `seed ${seed}: redo all brings every step back`);
}

test("two users, 200 seeds: undo all removes exactly what I typed, redo all brings it back", () => {
  for (let seed = 1; seed <= 200; seed++) insertOnlyProperty(seed);
});
