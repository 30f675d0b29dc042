/**
 * Collaborators' cursors and selections as Monaco decorations: a caret in their colour with
 * their name above it, and their selection tinted. Colours and names come from the server and are
 * checked before they reach a style sheet.
 */

import type { RemoteCursor } from "../../../shared/ot/src/index";
import { safeColour } from "./colours";
import { monaco } from "./monaco";

type Model = monaco.editor.ITextModel;

const slots = new Map<string, number>();
const rules = new Map<number, string>();
let sheet: HTMLStyleElement | null = null;

/** A CSS string literal: every character that is not a letter or digit as a hex escape. */
function cssString(text: string): string {
  let out = "";
  for (const ch of text.slice(0, 40)) {
    out += /[\p{L}\p{N} ]/u.test(ch) ? ch : `\\${ch.codePointAt(0)?.toString(16) ?? "20"} `;
  }
  return `"${out}"`;
}

function slotOf(cursor: RemoteCursor): number {
  let slot = slots.get(cursor.clientId);
  if (slot === undefined) {
    slot = slots.size;
    slots.set(cursor.clientId, slot);
  }
  const colour = safeColour(cursor.colour, cursor.clientId);
  const rule =
    `.rc-caret-${slot}::before{border-color:${colour}}` +
    `.rc-caret-${slot}::after{content:${cssString(cursor.name)};background:${colour}}` +
    `.rc-sel-${slot}{background:${colour}40}`;
  if (rules.get(slot) !== rule) {
    rules.set(slot, rule);
    if (sheet === null) {
      sheet = document.createElement("style");
      document.head.append(sheet);
    }
    sheet.textContent = [...rules.values()].join("\n");
  }
  return slot;
}

/** Replaces `previous` decorations on `model` with the cursors given; returns the new ids. */
export function renderCursors(model: Model, cursors: readonly RemoteCursor[], previous: string[]): string[] {
  const decorations: monaco.editor.IModelDeltaDecoration[] = [];
  const length = model.getValueLength();
  for (const cursor of cursors) {
    const slot = slotOf(cursor);
    for (const range of cursor.selection.ranges) {
      const anchor = model.getPositionAt(Math.min(range.anchor, length));
      const head = model.getPositionAt(Math.min(range.head, length));
      if (range.anchor !== range.head) {
        decorations.push({
          range: monaco.Range.fromPositions(anchor, head),
          options: {
            className: `rc-sel rc-sel-${slot}`,
            stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges,
          },
        });
      }
      decorations.push({
        range: monaco.Range.fromPositions(head, head),
        options: {
          beforeContentClassName: `rc-caret rc-caret-${slot}`,
          hoverMessage: { value: cursor.name.replace(/[\\`*_[\]<>]/g, "\\$&") },
          stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges,
        },
      });
    }
  }
  return model.deltaDecorations(previous, decorations);
}
