/** Cursors and selections (ot.js's Selection): presence, moved through operations, never stored. */

import { type Operation, transformIndex } from "./operation.js";

/** `anchor` stays put, `head` is where the cursor is; equal, they are a plain cursor. */
export interface Range {
  readonly anchor: number;
  readonly head: number;
}

/** One or more ranges (several with multiple cursors). */
export interface Selection {
  readonly ranges: readonly Range[];
}

export function cursor(position: number): Selection {
  return { ranges: [{ anchor: position, head: position }] };
}

/** Moves a range from op's base text to its target text, as ot.js's Range.transform. */
export function transformRange(range: Range, op: Operation): Range {
  const anchor = transformIndex(range.anchor, op);
  if (range.anchor === range.head) return { anchor, head: anchor };
  return { anchor, head: transformIndex(range.head, op) };
}

export function transformSelection(selection: Selection, op: Operation): Selection {
  return { ranges: selection.ranges.map((r) => transformRange(r, op)) };
}

export function somethingSelected(selection: Selection): boolean {
  return selection.ranges.some((r) => r.anchor !== r.head);
}

/** Reads ranges off the wire (`[{anchor, head}]`), or null when they are not that. */
export function rangesFromJSON(value: unknown): Range[] | null {
  if (!Array.isArray(value)) return null;
  const ranges: Range[] = [];
  for (const r of value as unknown[]) {
    if (typeof r !== "object" || r === null) return null;
    const { anchor, head } = r as Record<string, unknown>;
    if (!Number.isInteger(anchor) || !Number.isInteger(head)) return null;
    ranges.push({ anchor: anchor as number, head: head as number });
  }
  return ranges;
}
