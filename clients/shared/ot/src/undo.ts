/**
 * ot.js's UndoManager: undo undoes only your own edits, transformed through everyone else's.
 *
 * The stacks hold inverses. After each local edit the caller adds its inverse (composed with the
 * top of the stack when the edits belong to one step); after each remote edit it calls
 * transform() so that the stacks stay valid on the current text.
 */

import { CollabError } from "./errors.js";
import { type Operation, compose, isNoop, transform } from "./operation.js";

type State = "normal" | "undoing" | "redoing";

export class UndoManager {
  readonly maxItems: number;
  private state: State = "normal";
  private dontCompose = false;
  private undoStack: Operation[] = [];
  private redoStack: Operation[] = [];

  constructor(maxItems = 50) {
    this.maxItems = maxItems || 50;
  }

  /**
   * Records the inverse of the latest edit: on the redo stack while undoing, on the undo stack
   * otherwise. With `composeWithLast`, it joins the step on top unless that step was just undone
   * or redone.
   */
  add(inverse: Operation, composeWithLast = false): void {
    if (this.state === "undoing") {
      this.redoStack.push(inverse);
      this.dontCompose = true;
    } else if (this.state === "redoing") {
      this.undoStack.push(inverse);
      this.dontCompose = true;
    } else {
      const last = this.undoStack[this.undoStack.length - 1];
      if (!this.dontCompose && composeWithLast && last !== undefined) {
        this.undoStack[this.undoStack.length - 1] = compose(inverse, last);
      } else {
        this.undoStack.push(inverse);
        if (this.undoStack.length > this.maxItems) this.undoStack.shift();
      }
      this.dontCompose = false;
      this.redoStack = [];
    }
  }

  /** Moves both stacks through another client's op (as applied to the local text). */
  transform(op: Operation): void {
    this.undoStack = transformStack(this.undoStack, op);
    this.redoStack = transformStack(this.redoStack, op);
  }

  /** Calls fn with the step to undo; fn applies it and add()s its inverse (it goes to redo). */
  performUndo(fn: (op: Operation) => void): void {
    this.perform("undoing", this.undoStack, fn, "undo not possible");
  }

  /** The inverse of performUndo. */
  performRedo(fn: (op: Operation) => void): void {
    this.perform("redoing", this.redoStack, fn, "redo not possible");
  }

  canUndo(): boolean {
    return this.undoStack.length !== 0;
  }

  canRedo(): boolean {
    return this.redoStack.length !== 0;
  }

  isUndoing(): boolean {
    return this.state === "undoing";
  }

  isRedoing(): boolean {
    return this.state === "redoing";
  }

  /** The top of the undo stack (the step undo would apply), for composition decisions. */
  peekUndo(): Operation | undefined {
    return this.undoStack[this.undoStack.length - 1];
  }

  private perform(state: State, stack: Operation[], fn: (op: Operation) => void, error: string) {
    const op = stack.pop();
    if (op === undefined) throw new CollabError(error);
    this.state = state;
    try {
      fn(op);
    } finally {
      this.state = "normal";
    }
  }
}

/** Transforms a stack top first, each step through the remote op as moved past the newer steps. */
function transformStack(stack: readonly Operation[], op: Operation): Operation[] {
  const out: Operation[] = [];
  let remote = op;
  for (let i = stack.length - 1; i >= 0; i--) {
    const [step, moved] = transform(stack[i] as Operation, remote);
    if (!isNoop(step)) out.push(step);
    remote = moved;
  }
  return out.reverse();
}
