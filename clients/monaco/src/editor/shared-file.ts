/**
 * One shared file as a Monaco model: the editor adapter between Monaco and the shared OT client
 * (clients/shared/ot). The only module that knows both.
 *
 * A local edit arrives as Monaco content changes (UTF-16 offsets, all against the text before the
 * edit) and goes to the CollabSession as one operation; a remote edit, an undo or a resync comes
 * back from the session as an operation and is applied to the model with `applyEdits`, with the
 * listener told not to send it back. Undo and redo of the model are the session's: they undo only
 * this person's edits, moved through everyone else's.
 *
 */

import {
  type Change,
  CollabSession,
  type Connection as OtConnection,
  type Operation,
  OperationBuilder,
  type Participant,
  diff,
  targetLength,
} from "../../../shared/ot/src/index";
import { describeError } from "../connection/rpc";
import { renderCursors } from "./cursors";
import { languageOf, monaco } from "./monaco";

type Model = monaco.editor.ITextModel;

export interface FileParticipant extends Participant {
  readonly path: string;
}

export type WorkspaceEvent =
  | { readonly kind: "presence" }
  | { readonly kind: "saved"; readonly pending: boolean }
  | { readonly kind: "problem"; readonly path: string; readonly message: string };

const CURSOR_DELAY_MS = 40;

/** The server's bound on a shared file (UTF-16 units); an edit past it would only be refused. */
export const MAX_FILE_UNITS = 1_000_000;

export class SharedFile {
  private model: Model | null = null;
  private applying = false;
  private decorations: string[] = [];
  private cursorTimer: number | undefined;
  private pendingSelections: readonly monaco.Selection[] | null = null;
  readonly session: CollabSession;

  constructor(
    readonly path: string,
    private readonly playground: string,
    name: string,
    connection: OtConnection,
    private readonly notify: (event: WorkspaceEvent) => void,
  ) {
    this.session = new CollabSession(connection, {
      playground,
      path,
      name,
      onChange: (change) => this.applyChange(change),
      onPresence: () => {
        this.renderCursors();
        notify({ kind: "presence" });
      },
      onRefused: (error) => notify({ kind: "problem", path, message: `An edit was refused: ${describeError(error)}` }),
      onLost: (_op, reason) => notify({ kind: "problem", path, message: `Some edits could not be kept: ${reason}` }),
      log: (message) => console.warn(message),
    });
  }

  get textModel(): Model {
    if (this.model === null) throw new Error(`${this.path} is not open yet`);
    return this.model;
  }

  get canEdit(): boolean {
    return this.session.canEdit;
  }

  /** Edits not yet acknowledged by the server (durable once acknowledged). */
  get pending(): boolean {
    return this.session.inFlight !== null;
  }

  async open(): Promise<Model> {
    await this.session.join();
    const uri = monaco.Uri.from({ scheme: "playground", path: `/${this.playground}/${this.path}` });
    monaco.editor.getModel(uri)?.dispose();
    const model = monaco.editor.createModel(this.session.text, languageOf(this.path), uri);
    // A text without line breaks would get the browser's OS default (CRLF on Windows): Enter would
    // then put "\r\n" into a file everyone else edits with "\n".
    if (!this.session.text.includes("\r")) model.setEOL(monaco.editor.EndOfLineSequence.LF);
    this.model = model;
    model.onDidChangeContent((event) => this.localChange(event));
    // Undo and redo, from any key, menu or command, are this person's own (UndoManager).
    model.undo = () => void this.undoRedo("undo");
    model.redo = () => void this.undoRedo("redo");
    if (model.getValue() !== this.session.text) {
      // Monaco keeps one kind of line ending per model: a text with mixed ones was normalised.
      this.reconcile("the line endings were normalised");
    }
    this.renderCursors();
    return model;
  }

  /** The editor's selections, sent to the others (a little later, at most every 40 ms). */
  setSelections(selections: readonly monaco.Selection[]): void {
    this.pendingSelections = selections;
    if (this.cursorTimer !== undefined) return;
    this.cursorTimer = window.setTimeout(() => {
      this.cursorTimer = undefined;
      const model = this.model;
      const current = this.pendingSelections;
      if (model === null || current === null || model.isDisposed()) return;
      this.session.setSelection({
        ranges: current.map((s) => ({
          anchor: model.getOffsetAt({ lineNumber: s.selectionStartLineNumber, column: s.selectionStartColumn }),
          head: model.getOffsetAt(s.getPosition()),
        })),
      });
    }, CURSOR_DELAY_MS);
  }

  participants(): readonly Participant[] {
    return this.session.participants;
  }

  connectionLost(): void {
    this.session.connectionLost();
  }

  async reconnect(connection: OtConnection): Promise<void> {
    await this.session.reconnect(connection);
  }

  /** Leaves the file; `gone` when it was deleted or renamed (there is nothing left to leave). */
  close(gone = false): void {
    window.clearTimeout(this.cursorTimer);
    if (gone) this.session.connectionLost();
    else this.session.leave();
    this.model?.dispose();
    this.model = null;
  }

  private localChange(event: monaco.editor.IModelContentChangedEvent): void {
    if (this.applying) return;
    const model = this.textModel;
    if (!this.session.canEdit || model.getValueLength() > MAX_FILE_UNITS) {
      // Put the shared text back, after every listener (the LSP sync) has seen this change.
      if (this.session.canEdit) {
        this.notify({ kind: "problem", path: this.path, message: `a file holds at most ${MAX_FILE_UNITS.toLocaleString("en")} characters; that edit was undone` });
      }
      queueMicrotask(() => {
        if (!model.isDisposed() && model.getValue() !== this.session.text) this.applyText(this.session.text);
      });
      return;
    }
    let op: Operation = operationFromChanges(event.changes, this.session.text.length);
    if (targetLength(op) !== model.getValueLength()) op = diff(this.session.text, model.getValue());
    try {
      this.session.edit(op);
    } catch (error) {
      console.warn(`${this.path}: an edit did not map onto the shared text, diffing`, error);
      this.session.edit(diff(this.session.text, model.getValue()));
    }
    if (import.meta.env.DEV && this.session.text !== model.getValue()) {
      console.error(`${this.path}: the shared text and the editor differ after a local edit`);
    }
    this.notify({ kind: "saved", pending: this.pending });
  }

  private applyChange(change: Change): void {
    const model = this.model;
    if (model === null || model.isDisposed()) return; // the first join: the model is made from its text
    const edits = monacoEdits(model, change.op);
    this.applying = true;
    try {
      model.applyEdits(edits);
    } finally {
      this.applying = false;
    }
    if (model.getValueLength() !== change.text.length) {
      // Monaco turned the line endings of inserted text into the model's own.
      this.reconcile("an edit's line endings were normalised");
    }
    if (change.origin === "undo" || change.origin === "redo") this.revealChange(change.op);
    this.renderCursors();
    this.notify({ kind: "saved", pending: this.pending });
  }

  /** The model and the session's text differ: make the shared text the model's (or back). */
  private reconcile(why: string): void {
    const model = this.textModel;
    console.warn(`${this.path}: ${why}`);
    if (this.session.canEdit) this.session.edit(diff(this.session.text, model.getValue()));
    else this.applyText(this.session.text);
  }

  private applyText(text: string): void {
    const model = this.textModel;
    this.applying = true;
    try {
      model.applyEdits([{ range: model.getFullModelRange(), text }]);
    } finally {
      this.applying = false;
    }
  }

  private undoRedo(which: "undo" | "redo"): void {
    if (which === "undo") this.session.undo();
    else this.session.redo();
  }

  /** Puts the cursor where an undo or redo changed the text, as editors do. */
  private revealChange(op: Operation): void {
    const model = this.model;
    const editor = monaco.editor.getEditors().find((e) => e.getModel() === model && e.hasTextFocus());
    if (model === null || editor === undefined) return;
    let index = 0;
    let last = -1;
    for (const c of op) {
      if (typeof c === "string") last = index += c.length;
      else if (c > 0) index += c;
      else last = index;
    }
    if (last < 0) return;
    const position = model.getPositionAt(last);
    editor.setPosition(position);
    editor.revealPositionInCenterIfOutsideViewport(position);
  }

  private renderCursors(): void {
    const model = this.model;
    if (model === null || model.isDisposed()) return;
    this.decorations = renderCursors(model, this.session.remoteCursors(), this.decorations);
  }
}

/** One operation out of one Monaco edit's changes (each against the text before the edit). */
export function operationFromChanges(changes: readonly monaco.editor.IModelContentChange[], baseLength: number): Operation {
  const builder = new OperationBuilder();
  let index = 0;
  for (const change of [...changes].sort((a, b) => a.rangeOffset - b.rangeOffset)) {
    builder.retain(change.rangeOffset - index).delete(change.rangeLength).insert(change.text);
    index = change.rangeOffset + change.rangeLength;
  }
  return builder.retain(baseLength - index).build();
}

/** An operation as Monaco edits, every range against the model's current text. */
export function monacoEdits(model: Model, op: Operation): monaco.editor.IIdentifiedSingleEditOperation[] {
  const edits: { start: number; end: number; text: string }[] = [];
  let index = 0;
  for (const c of op) {
    if (typeof c === "string") {
      edits.push({ start: index, end: index, text: c });
    } else if (c > 0) {
      index += c;
    } else {
      const last = edits[edits.length - 1];
      // Canonical ops put an insert before an adjacent delete: one replacement.
      if (last !== undefined && last.end === index && last.start === index) last.end = index - c;
      else edits.push({ start: index, end: index - c, text: "" });
      index -= c;
    }
  }
  return edits.map((e) => ({
    range: monaco.Range.fromPositions(model.getPositionAt(e.start), model.getPositionAt(e.end)),
    text: e.text,
    forceMoveMarkers: false,
  }));
}
