/**
 * The ot.js TextOperation algebra on its JSON form (what `TextOperation.toJSON()` gives).
 *
 * An operation is an array of components: a positive integer retains that many characters, a
 * negative integer deletes that many, a string inserts itself. Lengths count UTF-16 code units
 * (JavaScript's string length, what LSP, Monaco and VS Code count). Every operation this module
 * returns is canonical exactly as ot.js builds it: no empty component, adjacent components of one
 * kind merged, an insert before an adjacent delete. Two operations with the same effect are then
 * equal component by component.
 *
 * The functions trust their operation arguments to be canonical and valid: parse anything that
 * came off the wire with `fromJSON` first.
 */

import { OperationError } from "./errors.js";

export type Component = number | string;
export type Operation = readonly Component[];

// Retain and delete are both numbers, so these two are not type predicates (a false answer must
// not rule out a number); the algorithms below test `typeof` inline where they need narrowing.
export function isRetain(c: Component | undefined): boolean {
  return typeof c === "number" && c > 0;
}

export function isInsert(c: Component | undefined): c is string {
  return typeof c === "string";
}

export function isDelete(c: Component | undefined): boolean {
  return typeof c === "number" && c < 0;
}

/** Builds a canonical operation the way ot.js's retain/insert/delete methods do. */
export class OperationBuilder {
  readonly ops: Component[] = [];

  retain(n: number): this {
    if (n === 0) return this;
    const last = this.ops.length - 1;
    const prev = this.ops[last];
    if (typeof prev === "number" && prev > 0) this.ops[last] = prev + n;
    else this.ops.push(n);
    return this;
  }

  insert(s: string): this {
    if (s === "") return this;
    const ops = this.ops;
    const last = ops[ops.length - 1];
    const beforeLast = ops[ops.length - 2];
    if (isInsert(last)) {
      ops[ops.length - 1] = last + s;
    } else if (typeof last === "number" && last < 0) {
      // Insert-then-delete and delete-then-insert have one effect; the insert goes first so that
      // equal effects are equal operations.
      if (isInsert(beforeLast)) {
        ops[ops.length - 2] = beforeLast + s;
      } else {
        ops[ops.length - 1] = s;
        ops.push(last);
      }
    } else {
      ops.push(s);
    }
    return this;
  }

  /** Deletes n characters (n's sign is ignored, as in ot.js). */
  delete(n: number): this {
    if (n === 0) return this;
    const d = n > 0 ? -n : n;
    const last = this.ops.length - 1;
    const prev = this.ops[last];
    if (typeof prev === "number" && prev < 0) this.ops[last] = prev + d;
    else this.ops.push(d);
    return this;
  }

  build(): Component[] {
    return this.ops;
  }
}

/**
 * Parses and validates an operation's JSON form, returning it canonical.
 *
 * As ot.js's `TextOperation.fromJSON`: a component that is neither a non-zero number nor a string
 * throws "unknown operation: <json>" (0, true, false, null, arrays, objects); an empty string is
 * accepted and dropped; adjacent components are merged and an insert moved before a delete.
 * Stricter than ot.js, and refused here: a value that is not an array (ot.js reads any object with
 * a `length`, so `{}`, `0` and `true` pass as the empty operation and `"ab"` as `["ab"]`), and a
 * number that is not an integer (ot.js keeps `1.5` as a retain of one and a half characters).
 */
export function fromJSON(value: unknown): Component[] {
  if (!Array.isArray(value)) {
    throw new OperationError(`an operation must be an array, got ${describe(value)}`);
  }
  const b = new OperationBuilder();
  for (const c of value as unknown[]) {
    if (typeof c === "string") {
      b.insert(c);
    } else if (typeof c === "number" && c !== 0 && !Number.isNaN(c)) {
      if (!Number.isInteger(c)) {
        throw new OperationError(`unknown operation: ${describe(c)} (lengths are integers)`);
      }
      if (c > 0) b.retain(c);
      else b.delete(c);
    } else {
      throw new OperationError(`unknown operation: ${describe(c)}`);
    }
  }
  return b.build();
}

function describe(value: unknown): string {
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json;
}

/** The length of every text the operation applies to. */
export function baseLength(op: Operation): number {
  let n = 0;
  for (const c of op) {
    if (typeof c === "number" && c > 0) n += c;
    else if (typeof c === "number" && c < 0) n -= c;
  }
  return n;
}

/** The length of every text the operation produces. */
export function targetLength(op: Operation): number {
  let n = 0;
  for (const c of op) {
    if (typeof c === "number" && c > 0) n += c;
    else if (isInsert(c)) n += c.length;
  }
  return n;
}

/** Whether applying the operation leaves every text as it was. */
export function isNoop(op: Operation): boolean {
  return op.length === 0 || (op.length === 1 && isRetain(op[0]));
}

/** Applies the operation to text; throws with ot.js's message when the lengths do not fit. */
export function apply(text: string, op: Operation): string {
  if (text.length !== baseLength(op)) {
    throw new OperationError("The operation's base length must be equal to the string's length.");
  }
  const parts: string[] = [];
  let index = 0;
  for (const c of op) {
    if (typeof c === "number" && c > 0) {
      if (index + c > text.length) {
        throw new OperationError(
          "Operation can't retain more characters than are left in the string.",
        );
      }
      parts.push(text.slice(index, index + c));
      index += c;
    } else if (isInsert(c)) {
      parts.push(c);
    } else {
      index -= c;
    }
  }
  if (index !== text.length) {
    throw new OperationError("The operation didn't operate on the whole string.");
  }
  return parts.join("");
}

/**
 * The operation that reverts `op` applied to `text`: apply(apply(S, A), invert(A, S)) = S.
 * Stricter than ot.js, which slices whatever text it is given: text must be op's base.
 */
export function invert(op: Operation, text: string): Component[] {
  if (text.length !== baseLength(op)) {
    throw new OperationError("The operation's base length must be equal to the string's length.");
  }
  const b = new OperationBuilder();
  let index = 0;
  for (const c of op) {
    if (typeof c === "number" && c > 0) {
      b.retain(c);
      index += c;
    } else if (isInsert(c)) {
      b.delete(c.length);
    } else {
      b.insert(text.slice(index, index - c));
      index -= c;
    }
  }
  return b.build();
}

/**
 * Merges two consecutive operations into one with the effect of both:
 * apply(apply(S, A), B) = apply(S, compose(A, B)).
 */
export function compose(a: Operation, b: Operation): Component[] {
  if (targetLength(a) !== baseLength(b)) {
    throw new OperationError(
      "The base length of the second operation has to be the target length of the first operation",
    );
  }
  const out = new OperationBuilder();
  let i1 = 0;
  let i2 = 0;
  let op1 = a[i1++];
  let op2 = b[i2++];
  for (;;) {
    if (op1 === undefined && op2 === undefined) break;
    if (typeof op1 === "number" && op1 < 0) {
      out.delete(op1);
      op1 = a[i1++];
      continue;
    }
    if (isInsert(op2)) {
      out.insert(op2);
      op2 = b[i2++];
      continue;
    }
    if (op1 === undefined) {
      throw new OperationError("Cannot compose operations: first operation is too short.");
    }
    if (op2 === undefined) {
      throw new OperationError("Cannot compose operations: first operation is too long.");
    }
    if (typeof op1 === "number" && op1 > 0 && typeof op2 === "number" && op2 > 0) {
      if (op1 > op2) {
        out.retain(op2);
        op1 -= op2;
        op2 = b[i2++];
      } else if (op1 === op2) {
        out.retain(op1);
        op1 = a[i1++];
        op2 = b[i2++];
      } else {
        out.retain(op1);
        op2 -= op1;
        op1 = a[i1++];
      }
    } else if (isInsert(op1) && typeof op2 === "number" && op2 < 0) {
      if (op1.length > -op2) {
        op1 = op1.slice(-op2);
        op2 = b[i2++];
      } else if (op1.length === -op2) {
        op1 = a[i1++];
        op2 = b[i2++];
      } else {
        op2 += op1.length;
        op1 = a[i1++];
      }
    } else if (isInsert(op1) && typeof op2 === "number" && op2 > 0) {
      if (op1.length > op2) {
        out.insert(op1.slice(0, op2));
        op1 = op1.slice(op2);
        op2 = b[i2++];
      } else if (op1.length === op2) {
        out.insert(op1);
        op1 = a[i1++];
        op2 = b[i2++];
      } else {
        out.insert(op1);
        op2 -= op1.length;
        op1 = a[i1++];
      }
    } else if (typeof op1 === "number" && op1 > 0 && typeof op2 === "number" && op2 < 0) {
      if (op1 > -op2) {
        out.delete(op2);
        op1 += op2;
        op2 = b[i2++];
      } else if (op1 === -op2) {
        out.delete(op2);
        op1 = a[i1++];
        op2 = b[i2++];
      } else {
        out.delete(op1);
        op2 += op1;
        op1 = a[i1++];
      }
    } else {
      throw new OperationError(
        `This shouldn't happen: op1: ${JSON.stringify(op1)}, op2: ${JSON.stringify(op2)}`,
      );
    }
  }
  return out.build();
}

/**
 * Transforms two concurrent operations on one text into [a', b'] with
 * apply(apply(S, A), B') = apply(apply(S, B), A') (TP1). When both insert at one offset, a's
 * insert comes first.
 */
export function transform(a: Operation, b: Operation): [Component[], Component[]] {
  if (baseLength(a) !== baseLength(b)) {
    throw new OperationError("Both operations have to have the same base length");
  }
  const aPrime = new OperationBuilder();
  const bPrime = new OperationBuilder();
  let i1 = 0;
  let i2 = 0;
  let op1 = a[i1++];
  let op2 = b[i2++];
  for (;;) {
    if (op1 === undefined && op2 === undefined) break;
    if (isInsert(op1)) {
      aPrime.insert(op1);
      bPrime.retain(op1.length);
      op1 = a[i1++];
      continue;
    }
    if (isInsert(op2)) {
      aPrime.retain(op2.length);
      bPrime.insert(op2);
      op2 = b[i2++];
      continue;
    }
    // ot.js says "compose" in these two messages of transform; kept as it is.
    if (op1 === undefined) {
      throw new OperationError("Cannot compose operations: first operation is too short.");
    }
    if (op2 === undefined) {
      throw new OperationError("Cannot compose operations: first operation is too long.");
    }
    let min: number;
    if (typeof op1 === "number" && op1 > 0 && typeof op2 === "number" && op2 > 0) {
      if (op1 > op2) {
        min = op2;
        op1 -= op2;
        op2 = b[i2++];
      } else if (op1 === op2) {
        min = op2;
        op1 = a[i1++];
        op2 = b[i2++];
      } else {
        min = op1;
        op2 -= op1;
        op1 = a[i1++];
      }
      aPrime.retain(min);
      bPrime.retain(min);
    } else if (typeof op1 === "number" && op1 < 0 && typeof op2 === "number" && op2 < 0) {
      // Both delete the same characters: neither side has anything left to do there.
      if (-op1 > -op2) {
        op1 -= op2;
        op2 = b[i2++];
      } else if (op1 === op2) {
        op1 = a[i1++];
        op2 = b[i2++];
      } else {
        op2 -= op1;
        op1 = a[i1++];
      }
    } else if (typeof op1 === "number" && op1 < 0 && typeof op2 === "number" && op2 > 0) {
      if (-op1 > op2) {
        min = op2;
        op1 += op2;
        op2 = b[i2++];
      } else if (-op1 === op2) {
        min = op2;
        op1 = a[i1++];
        op2 = b[i2++];
      } else {
        min = -op1;
        op2 += op1;
        op1 = a[i1++];
      }
      aPrime.delete(min);
    } else if (typeof op1 === "number" && op1 > 0 && typeof op2 === "number" && op2 < 0) {
      if (op1 > -op2) {
        min = -op2;
        op1 += op2;
        op2 = b[i2++];
      } else if (op1 === -op2) {
        min = op1;
        op1 = a[i1++];
        op2 = b[i2++];
      } else {
        min = op1;
        op2 += op1;
        op1 = a[i1++];
      }
      bPrime.delete(min);
    } else {
      throw new OperationError("The two operations aren't compatible");
    }
  }
  return [aPrime.build(), bPrime.build()];
}

/**
 * Where a position in op's base text lands in its target text, as ot.js's Selection.Range
 * transform moves a cursor: a cursor at an insert's offset ends up after the inserted text, one
 * inside a deleted stretch at the stretch's start.
 */
export function transformIndex(index: number, op: Operation): number {
  let left = index;
  let moved = index;
  for (const c of op) {
    if (typeof c === "number" && c > 0) {
      left -= c;
    } else if (isInsert(c)) {
      moved += c.length;
    } else {
      moved -= Math.min(left, -c);
      left += c;
    }
    if (left < 0) break;
  }
  return moved;
}

function retainLength(c: Component | undefined): number | null {
  return typeof c === "number" && c > 0 ? c : null;
}

function deleteLength(c: Component | undefined): number | null {
  return typeof c === "number" && c < 0 ? -c : null;
}

/** The offset a "simple" operation (at most one non-retain component) starts at. */
function startIndex(op: Operation): number {
  return retainLength(op[0]) ?? 0;
}

/** The one non-retain component of an operation that has one, as ot.js's getSimpleOp. */
function simpleComponent(op: Operation): Component | null {
  const [c0, c1, c2] = op;
  switch (op.length) {
    case 1:
      return c0 ?? null;
    case 2:
      if (isRetain(c0)) return c1 ?? null;
      return isRetain(c1) ? (c0 ?? null) : null;
    case 3:
      if (isRetain(c0) && isRetain(c2)) return c1 ?? null;
  }
  return null;
}

/**
 * Whether b continues a as one undo step (ot.js's shouldBeComposedWith): consecutive inserts,
 * or deletes at one position (the delete key) or ending where a began (backspace).
 */
export function shouldBeComposedWith(a: Operation, b: Operation): boolean {
  if (isNoop(a) || isNoop(b)) return true;
  const startA = startIndex(a);
  const startB = startIndex(b);
  const simpleA = simpleComponent(a);
  const simpleB = simpleComponent(b);
  if (simpleA === null || simpleB === null) return false;
  if (isInsert(simpleA) && isInsert(simpleB)) return startA + simpleA.length === startB;
  const deletedB = deleteLength(simpleB);
  if (deleteLength(simpleA) !== null && deletedB !== null) {
    return startB + deletedB === startA || startA === startB;
  }
  return false;
}

/**
 * shouldBeComposedWith for inverses: shouldBeComposedWith(a, b) =
 * shouldBeComposedWithInverted(invert(b), invert(a)). The undo manager asks this of the inverse
 * of a new edit and the inverse on top of its stack.
 */
export function shouldBeComposedWithInverted(a: Operation, b: Operation): boolean {
  if (isNoop(a) || isNoop(b)) return true;
  const startA = startIndex(a);
  const startB = startIndex(b);
  const simpleA = simpleComponent(a);
  const simpleB = simpleComponent(b);
  if (simpleA === null || simpleB === null) return false;
  if (isInsert(simpleA) && isInsert(simpleB)) {
    return startA + simpleA.length === startB || startA === startB;
  }
  const deletedB = deleteLength(simpleB);
  if (deleteLength(simpleA) !== null && deletedB !== null) return startB + deletedB === startA;
  return false;
}
