/**
 * One shared file as a VS Code text document: the editor adapter between VS Code and the shared
 * OT client (clients/shared/ot). The only module that knows both.
 *
 * VS Code applies edits asynchronously (`workspace.applyEdit`, refused when the document
 * changed first), so the adapter keeps what the document holds (`shadow`) and an operation that
 * takes it to the session's text: `flight` (being applied) then `lag` (not yet). Invariant:
 * apply(apply(shadow, flight), lag) = session.text. A local edit on `shadow` is transformed
 * against both before it goes to the session (a remote edit VS Code has not shown yet comes
 * first in the shared text), and whatever is left is applied to the document next.
 */

import * as vscode from "vscode";
import {
  type Change,
  CollabSession,
  type Connection,
  type Operation,
  OperationBuilder,
  type Selection,
  apply,
  compose,
  diff,
  isNoop,
  transform,
  transformSelection,
} from "../../../shared/ot/src/index";
import { describeError } from "../rpc";

export interface DocumentEvents {
  presence(document: SharedDocument): void;
  problem(message: string): void;
  log(message: string): void;
}

interface Flight {
  readonly op: Operation;
  readonly expected: string;
  readonly generation: number;
}

const CURSOR_DELAY_MS = 40;
const SAVE_DELAY_MS = 400;

export class SharedDocument implements vscode.Disposable {
  readonly session: CollabSession;
  private document: vscode.TextDocument | null = null;
  private shadow = "";
  private flight: Flight | null = null;
  private lag: Operation | null = null;
  private generation = 0;
  private joined: Promise<void> | null = null;
  private cursorTimer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly uri: vscode.Uri,
    readonly path: string,
    playground: string,
    name: string,
    connection: Connection,
    private readonly events: DocumentEvents,
  ) {
    this.session = new CollabSession(connection, {
      playground,
      path,
      name,
      onChange: (change) => this.sessionChanged(change),
      onPresence: () => events.presence(this),
      onRefused: (error) => events.problem(`An edit to ${path} was refused: ${describeError(error)}`),
      onLost: (_op, reason) => events.problem(`Some edits to ${path} could not be kept: ${reason}`),
      log: (message) => events.log(message),
    });
  }

  /** Joins the file once (the first read of the document waits for it). */
  ready(): Promise<void> {
    this.joined ??= this.session.join().catch((error: unknown) => {
      this.joined = null;
      throw error;
    });
    return this.joined;
  }

  get isJoined(): boolean {
    return this.joined !== null;
  }

  get attached(): vscode.TextDocument | null {
    return this.document;
  }

  /** True while the editor shows exactly the session's text (cursors can be drawn as they are). */
  get inStep(): boolean {
    return this.flight === null && this.lag === null;
  }

  /** VS Code opened the document (its text is what readFile gave, or older). */
  attach(document: vscode.TextDocument): void {
    this.document = document;
    this.shadow = document.getText();
    this.flight = null;
    this.lag = null;
    this.generation++;
    const text = this.session.text;
    if (this.shadow === text) return;
    if (this.session.canEdit && unixLines(this.shadow) === unixLines(text)) {
      // VS Code keeps one kind of line ending per document: make that the shared text's.
      this.session.edit(diff(text, this.shadow));
    } else {
      this.lag = diff(this.shadow, text);
      this.scheduleFlush(0);
    }
  }

  detach(): void {
    this.document = null;
    this.flight = null;
    this.lag = null;
    this.generation++;
  }

  /** A change of the document, by the person typing or by our own flush. */
  documentChanged(event: vscode.TextDocumentChangeEvent): void {
    if (event.document !== this.document || event.contentChanges.length === 0) return;
    const after = event.document.getText();
    const flight = this.flight;
    if (flight !== null && unixLines(after) === unixLines(flight.expected)) {
      this.flight = null;
      this.shadow = flight.expected;
      // Equal but for line endings: VS Code made inserted ones the document's; share that.
      if (after !== flight.expected) this.localEdit(diff(flight.expected, after), after);
      this.scheduleFlush(0);
      this.scheduleSave();
      this.events.presence(this);
      return;
    }
    let op: Operation = operationFromChanges(event.contentChanges, this.shadow.length);
    if (safeApply(this.shadow, op) !== after) op = diff(this.shadow, after);
    this.localEdit(op, after);
    this.scheduleSave();
  }

  /** The editor's selections, sent to the others (at most every 40 ms). */
  selectionsChanged(selections: readonly vscode.Selection[]): void {
    const document = this.document;
    if (document === null) return;
    clearTimeout(this.cursorTimer);
    this.cursorTimer = setTimeout(() => {
      if (this.document !== document) return;
      let selection: Selection = {
        ranges: selections.map((s) => ({ anchor: document.offsetAt(s.anchor), head: document.offsetAt(s.active) })),
      };
      const pending = this.pending();
      if (pending !== null) selection = transformSelection(selection, pending);
      this.session.setSelection(selection);
    }, CURSOR_DELAY_MS);
  }

  undo(): void {
    this.session.undo();
  }

  redo(): void {
    this.session.redo();
  }

  dispose(): void {
    clearTimeout(this.cursorTimer);
    clearTimeout(this.saveTimer);
    clearTimeout(this.flushTimer);
    this.session.leave();
    this.detach();
  }

  // --- the editor's edits into the session ----------------------------------------------

  /** `op` took the document from `shadow` to `after`. */
  private localEdit(op: Operation, after: string): void {
    const pending = this.pending();
    this.flight = null; // if it was in the air, VS Code refuses it (the document changed first)
    this.generation++;
    this.shadow = after;
    if (!this.session.canEdit) {
      this.lag = diff(after, this.session.text);
      this.scheduleFlush(0);
      return;
    }
    let send: Operation = op;
    let rest: Operation | null = pending;
    if (pending !== null) [send, rest] = transform(op, pending);
    try {
      if (!isNoop(send)) this.session.edit(send);
    } catch (error) {
      this.events.log(`${this.path}: an edit did not fit the shared text: ${describeError(error)}`);
      rest = null;
    }
    this.lag = rest !== null && !isNoop(rest) ? rest : null;
    const shown = this.lag === null ? this.shadow : safeApply(this.shadow, this.lag);
    if (shown !== this.session.text) {
      this.events.log(`${this.path}: the editor and the shared text drifted apart; realigning`);
      this.lag = diff(this.shadow, this.session.text);
    }
    if (this.lag !== null && isNoop(this.lag)) this.lag = null;
    this.scheduleFlush(0);
  }

  /** What takes `shadow` to the session's text, or null when they are equal. */
  private pending(): Operation | null {
    const parts = [this.flight?.op, this.lag ?? undefined].filter((p): p is Operation => p !== undefined);
    if (parts.length === 0) return null;
    return parts.length === 1 ? (parts[0] as Operation) : compose(parts[0] as Operation, parts[1] as Operation);
  }

  // --- the session's changes into the editor ---------------------------------------------

  private sessionChanged(change: Change): void {
    if (this.document === null) return; // not open: reading the file gives the session's text
    this.lag = this.lag === null ? [...change.op] : compose(this.lag, change.op);
    this.scheduleFlush(0);
  }

  private scheduleFlush(delay: number): void {
    if (this.flushTimer !== undefined) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, delay);
  }

  private async flush(): Promise<void> {
    const document = this.document;
    if (document === null || this.flight !== null || this.lag === null) return;
    if (isNoop(this.lag)) {
      this.lag = null;
      return;
    }
    if (document.getText() !== this.shadow) return; // a change event is on its way
    const op = this.lag;
    this.lag = null;
    const generation = ++this.generation;
    this.flight = { op, expected: apply(this.shadow, op), generation };
    const edit = new vscode.WorkspaceEdit();
    for (const e of vscodeEdits(document, op)) edit.replace(document.uri, e.range, e.text);
    let applied = false;
    try {
      applied = await vscode.workspace.applyEdit(edit);
    } catch (error) {
      this.events.log(`${this.path}: applying a remote edit: ${describeError(error)}`);
    }
    if (this.flight?.generation !== generation) return; // its change event came
    this.flight = null;
    if (applied) {
      // Applied, yet no event named it: take the document as it is and align from there.
      this.shadow = document.getText();
      this.lag = diff(this.shadow, this.session.text);
    } else {
      this.lag = this.lag === null ? op : compose(op, this.lag);
    }
    this.scheduleFlush(applied ? 0 : 20);
  }

  /** Shared files are saved as they are typed: keep the document from looking unsaved. */
  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      const document = this.document;
      if (document !== null && document.isDirty && !document.isClosed) void document.save();
    }, SAVE_DELAY_MS);
  }
}

/** One operation out of one change event's changes (each against the text before it). */
export function operationFromChanges(
  changes: readonly vscode.TextDocumentContentChangeEvent[],
  baseLength: number,
): Operation {
  const builder = new OperationBuilder();
  let index = 0;
  for (const change of [...changes].sort((a, b) => a.rangeOffset - b.rangeOffset)) {
    if (change.rangeOffset < index) return [];
    builder.retain(change.rangeOffset - index).delete(change.rangeLength).insert(change.text);
    index = change.rangeOffset + change.rangeLength;
  }
  if (index > baseLength) return [];
  return builder.retain(baseLength - index).build();
}

/** An operation as VS Code replacements, every range against the document's current text. */
export function vscodeEdits(document: vscode.TextDocument, op: Operation): { range: vscode.Range; text: string }[] {
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
      if (last !== undefined && last.start === index && last.end === index) last.end = index - c;
      else edits.push({ start: index, end: index - c, text: "" });
      index -= c;
    }
  }
  return edits.map((e) => ({
    range: new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)),
    text: e.text,
  }));
}

function safeApply(text: string, op: Operation): string | null {
  try {
    return apply(text, op);
  } catch {
    return null;
  }
}

function unixLines(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}
