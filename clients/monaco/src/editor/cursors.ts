/**
 * Collaborators' cursors and selections: a caret in their colour and their selection tinted, as
 * decorations of the model (they move with every edit by themselves), and their name in a small
 * label of their colour at the caret, as a content widget of each editor showing the model (a
 * widget floats over the text: unlike injected text it moves no column, so typing next to someone
 * else's caret is unaffected). A label fades once its collaborator has been still a while.
 * Colours are checked before they reach a style sheet; names go in as text.
 */

import type { RemoteCursor } from "../../../shared/ot/src/index";
import { safeColour } from "./colours";
import { monaco } from "./monaco";

type Model = monaco.editor.ITextModel;

/** After this long without moving, a collaborator's name label fades (their caret stays). */
export const LABEL_IDLE_MS = 4000;

/** The collaborator a caret decoration belongs to, for the name labels. */
interface Caret {
  readonly clientId: string;
  readonly name: string;
  readonly colour: string;
}

/** Per model: caret decoration id -> whose caret (the first range of each collaborator's). */
const carets = new WeakMap<Model, Map<string, Caret>>();
const rendered = new Set<(model: Model) => void>();

const slots = new Map<string, number>();
const rules = new Map<number, string>();
let sheet: HTMLStyleElement | null = null;

function slotOf(cursor: RemoteCursor): number {
  let slot = slots.get(cursor.clientId);
  if (slot === undefined) {
    slot = slots.size;
    slots.set(cursor.clientId, slot);
  }
  const colour = safeColour(cursor.colour, cursor.clientId);
  const rule =
    `.rc-caret-${slot}::before{border-color:${colour}}` +
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
  /** The index in `decorations` of each collaborator's first caret. */
  const labelled = new Map<number, Caret>();
  const length = model.getValueLength();
  for (const cursor of cursors) {
    const slot = slotOf(cursor);
    const caret: Caret = { clientId: cursor.clientId, name: cursor.name, colour: safeColour(cursor.colour, cursor.clientId) };
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
      if (range === cursor.selection.ranges[0]) labelled.set(decorations.length, caret);
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
  const ids = model.deltaDecorations(previous, decorations);
  const byId = new Map<string, Caret>();
  for (const [index, caret] of labelled) {
    const id = ids[index];
    if (id !== undefined) byId.set(id, caret);
  }
  carets.set(model, byId);
  for (const listener of [...rendered]) listener(model);
  return ids;
}

/** One collaborator's name at their caret: a content widget that floats over the text. */
class NameLabel implements monaco.editor.IContentWidget {
  readonly allowEditorOverflow = false;
  readonly suppressMouseDown = true;
  readonly node: HTMLElement;
  /** The caret decoration this label follows. */
  decoration = "";
  private position: monaco.IPosition | null = null;
  private idleTimer: number | undefined;

  constructor(private readonly id: string) {
    this.node = document.createElement("div");
    this.node.className = "remote-cursor-name";
    this.node.dataset.testid = "remote-cursor-name";
    this.node.setAttribute("aria-hidden", "true");
  }

  getId(): string {
    return this.id;
  }

  getDomNode(): HTMLElement {
    return this.node;
  }

  getPosition(): monaco.editor.IContentWidgetPosition | null {
    if (this.position === null) return null;
    const { ABOVE, BELOW } = monaco.editor.ContentWidgetPositionPreference;
    // Above the caret's line like a flag; below it on the first line.
    return { position: this.position, preference: [ABOVE, BELOW] };
  }

  /** Where Monaco put it: the corner by the caret is square, and it shrinks towards it. */
  afterRender(placement: monaco.editor.ContentWidgetPositionPreference | null): void {
    const below = placement === monaco.editor.ContentWidgetPositionPreference.BELOW;
    this.node.classList.toggle("below", below);
  }

  show(caret: Caret): void {
    if (this.node.textContent !== caret.name) this.node.textContent = caret.name;
    this.node.dataset.name = caret.name;
    this.node.style.backgroundColor = caret.colour;
  }

  /** Moves to `position`; true if it moved. */
  moveTo(position: monaco.IPosition): boolean {
    const moved = this.position === null || !monaco.Position.equals(this.position, position);
    this.position = position;
    return moved;
  }

  /** The collaborator did something: the label shows in full, and fades after a while still. */
  wake(): void {
    this.node.classList.remove("idle");
    window.clearTimeout(this.idleTimer);
    this.idleTimer = window.setTimeout(() => this.node.classList.add("idle"), LABEL_IDLE_MS);
  }

  dispose(): void {
    window.clearTimeout(this.idleTimer);
  }
}

let labelIds = 0;

/**
 * Shows collaborators' names at their carets in `editor`, for whichever model it shows: labels
 * follow the caret decorations renderCursors made (re-laid out when the text changes under them).
 */
export function showCursorNames(editor: monaco.editor.ICodeEditor): monaco.IDisposable {
  const labels = new Map<string, NameLabel>();
  const editorId = ++labelIds;

  const positionOf = (model: Model, label: NameLabel): monaco.IPosition | null =>
    model.getDecorationRange(label.decoration)?.getStartPosition() ?? null;

  const remove = (clientId: string) => {
    const label = labels.get(clientId);
    if (label === undefined) return;
    editor.removeContentWidget(label);
    label.dispose();
    labels.delete(clientId);
  };

  /** The model's carets rendered anew (a collaborator moved, joined, left or edited). */
  const sync = () => {
    const model = editor.getModel();
    const current = model === null ? undefined : carets.get(model);
    const seen = new Set<string>();
    for (const [decoration, caret] of current ?? []) {
      const position = model === null ? null : model.getDecorationRange(decoration)?.getStartPosition();
      if (position == null) continue;
      seen.add(caret.clientId);
      let label = labels.get(caret.clientId);
      const added = label === undefined;
      if (label === undefined) {
        label = new NameLabel(`remote-cursor-name.${editorId}.${caret.clientId}`);
        labels.set(caret.clientId, label);
      }
      label.decoration = decoration;
      label.show(caret);
      const moved = label.moveTo(position);
      if (added) {
        editor.addContentWidget(label);
        label.wake();
      } else if (moved) {
        editor.layoutContentWidget(label);
        label.wake();
      }
    }
    for (const clientId of [...labels.keys()]) if (!seen.has(clientId)) remove(clientId);
  };

  /** The text changed: the carets moved with it (not the collaborators' doing: no wake). */
  const follow = () => {
    const model = editor.getModel();
    if (model === null) return;
    for (const label of labels.values()) {
      const position = positionOf(model, label);
      if (position !== null && label.moveTo(position)) editor.layoutContentWidget(label);
    }
  };

  const onRendered = (model: Model) => {
    if (model === editor.getModel()) sync();
  };
  rendered.add(onRendered);
  const subscriptions = [
    editor.onDidChangeModel(() => {
      for (const clientId of [...labels.keys()]) remove(clientId);
      sync();
    }),
    editor.onDidChangeModelContent(follow),
  ];
  sync();
  return {
    dispose: () => {
      rendered.delete(onRendered);
      for (const s of subscriptions) s.dispose();
      for (const clientId of [...labels.keys()]) remove(clientId);
    },
  };
}
