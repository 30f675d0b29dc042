/**
 * One collaboratively edited file over the playground/collab/* JSON-RPC methods, with no
 * transport of its own: the owner injects a Connection and hands over incoming notifications.
 *
 * The owner tells the session about local edits (`edit`), applies what `onChange` reports to its
 * editor (remote edits, undo, redo, resyncs), and reports the connection's fate
 * (`connectionLost`, `reconnect`). The session keeps one op in flight (the client state machine),
 * numbers ops with a seq per clientId, and after a reconnect catches up from its last revision;
 * a resend keeps its seq and base revision, so the server can de-duplicate it.
 */

import { Client } from "./client.js";
import { CollabError, OperationError } from "./errors.js";
import { diff } from "./diff.js";
import {
  type Operation,
  apply,
  baseLength,
  compose,
  fromJSON,
  invert,
  isNoop,
  shouldBeComposedWithInverted,
  transform,
} from "./operation.js";
import { type ClientId, type Participant, Presence, type RemoteCursor } from "./presence.js";
import { type Selection, transformSelection } from "./selection.js";
import { UndoManager } from "./undo.js";

export interface Connection {
  request(method: string, params: unknown): Promise<unknown>;
  notify(method: string, params: unknown): void;
}

export type ChangeOrigin = "remote" | "undo" | "redo" | "resync";

/** A change the editor did not make itself: apply `op` to the editor's text to get `text`. */
export interface Change {
  readonly op: Operation;
  readonly text: string;
  readonly origin: ChangeOrigin;
}

export interface SessionOptions {
  readonly playground: string;
  readonly path: string;
  readonly name?: string;
  readonly undoLimit?: number;
  onChange?(change: Change): void;
  /** Participants or their cursors changed. */
  onPresence?(participants: readonly Participant[]): void;
  /** The server refused `op` (already taken off the text, reported as a resync change). */
  onRefused?(error: unknown, op: Operation): void;
  /** Local edits that could not be kept across a resync. */
  onLost?(op: Operation, reason: string): void;
  log?(message: string): void;
}

/** An op sent and not yet acknowledged, exactly as sent (a resend repeats it). */
interface Flight {
  readonly seq: number;
  readonly revision: number;
  readonly op: Operation;
}

interface RemoteEvent {
  readonly kind: "remote";
  readonly op: Operation;
  readonly clientId: unknown;
  readonly seq: unknown;
}

type Event = RemoteEvent | { readonly kind: "ack" };

interface JoinAnswer {
  clientId: ClientId;
  revision: number;
  role: string;
  uri: string;
  participants: unknown;
  text?: string;
  history?: unknown[];
}

export class CollabSession {
  readonly undoManager: UndoManager;
  private client: Client;
  private clientIdValue: ClientId | null = null;
  private roleValue = "view";
  private uriValue = "";
  private nextSeq = 1;
  private flight: Flight | null = null;
  /** The text at client.revision, as the server has it. */
  private serverText = "";
  private localText = "";
  private events = new Map<number, Event>();
  private readonly presence = new Presence();
  private selection: Selection | null = null;
  private ready = false;
  private joining = false;
  /** Bumped on every (re)join: answers to older requests are ignored. */
  private epoch = 0;

  constructor(
    private connection: Connection,
    private readonly options: SessionOptions,
  ) {
    this.undoManager = new UndoManager(options.undoLimit);
    this.client = this.newClient(0);
  }

  get text(): string {
    return this.localText;
  }

  get revision(): number {
    return this.client.revision;
  }

  get clientId(): ClientId | null {
    return this.clientIdValue;
  }

  get role(): string {
    return this.roleValue;
  }

  get uri(): string {
    return this.uriValue;
  }

  get canEdit(): boolean {
    return this.roleValue === "edit";
  }

  /** The seq and base revision of the op in flight, if any. */
  get inFlight(): { seq: number; revision: number } | null {
    return this.flight && { seq: this.flight.seq, revision: this.flight.revision };
  }

  get participants(): readonly Participant[] {
    return this.presence.list();
  }

  /** The others' cursors on the local text (moved through the edits not yet acknowledged). */
  remoteCursors(): RemoteCursor[] {
    return this.presence.cursors(this.client.revision, (s) => this.client.transformSelection(s));
  }

  async join(): Promise<void> {
    await this.rejoin(false);
  }

  /** A local edit, already made in the editor: `op` applies to the text before it. */
  edit(op: Operation, composeUndo?: boolean): void {
    this.requireEditable(op);
    const inverse = invert(op, this.localText);
    const last = this.undoManager.peekUndo();
    const joinStep =
      composeUndo ?? (last !== undefined && shouldBeComposedWithInverted(inverse, last));
    this.undoManager.add(inverse, joinStep);
    this.applyLocal(op);
  }

  /** Undoes this client's latest step; the op is reported through onChange as "undo". */
  undo(): Operation | null {
    return this.unredo("undo");
  }

  redo(): Operation | null {
    return this.unredo("redo");
  }

  /** The local selection; it goes to the others in the server's coordinates. */
  setSelection(selection: Selection): void {
    this.selection = selection;
    this.sendCursor();
  }

  /** Routes a notification; false if it is not one of this file's. */
  handleNotification(method: string, params: unknown): boolean {
    if (!this.isMine(params)) return false;
    const p = params as Record<string, unknown>;
    if (method === "playground/collab/remoteOp") {
      this.remoteOp(p);
    } else if (method === "playground/collab/presence") {
      const revision = typeof p.revision === "number" ? p.revision : this.client.revision;
      this.presence.update(p.participants, revision, this.clientIdValue, this.client.revision);
      this.options.onPresence?.(this.presence.list());
    } else {
      return false;
    }
    return true;
  }

  /** The connection dropped: edits go on locally and are sent after reconnect(). */
  connectionLost(): void {
    this.ready = false;
    this.epoch++;
    this.events.clear();
  }

  /** Joins again from the last revision (on `connection`, if the transport made a new one). */
  async reconnect(connection?: Connection): Promise<void> {
    if (connection !== undefined) this.connection = connection;
    await this.rejoin(this.clientIdValue !== null);
  }

  leave(): void {
    if (this.ready) {
      // A request (docs/protocol.md); nothing waits for its answer, and a failure is harmless:
      // a closed connection leaves the file anyway.
      this.connection.request("playground/collab/leave", this.where()).catch((error: unknown) => {
        this.log(`leave: ${describeError(error)}`);
      });
    }
    this.ready = false;
    this.epoch++;
  }

  // --- joining ---------------------------------------------------------------------------

  private async rejoin(resume: boolean): Promise<void> {
    this.ready = false;
    this.joining = true;
    const epoch = ++this.epoch;
    this.events.clear();
    try {
      let answer: JoinAnswer;
      try {
        answer = await this.requestJoin(resume);
      } catch (error) {
        if (!resume || !isRpcError(error)) throw error;
        this.log(`could not resume, joining afresh: ${describeError(error)}`);
        answer = await this.requestJoin(false);
      }
      if (epoch !== this.epoch) return;
      this.joining = false;
      if (answer.text === undefined) {
        try {
          this.catchUp(answer);
        } catch (error) {
          if (!(error instanceof CollabError)) throw error;
          this.log(`could not catch up, joining afresh: ${error.message}`);
          answer = await this.requestJoin(false);
          if (epoch !== this.epoch) return;
          this.restartFromText(answer);
        }
      } else {
        this.restartFromText(answer);
      }
      this.presence.update(answer.participants, answer.revision, answer.clientId, answer.revision);
      this.options.onPresence?.(this.presence.list());
    } finally {
      if (epoch === this.epoch) this.joining = false;
    }
    this.ready = true;
    this.drain();
    this.transmit();
    if (this.selection !== null) this.sendCursor();
  }

  private async requestJoin(resume: boolean): Promise<JoinAnswer> {
    const params: Record<string, unknown> = { ...this.where() };
    if (this.options.name !== undefined) params.name = this.options.name;
    if (resume) params.since = { clientId: this.clientIdValue, revision: this.client.revision };
    return parseJoin(await this.connection.request("playground/collab/join", params));
  }

  /** A resumed join: the history since our revision, our op in flight possibly among it. */
  private catchUp(answer: JoinAnswer): void {
    this.roleValue = answer.role;
    this.uriValue = answer.uri;
    for (const entry of answer.history ?? []) {
      const e = entry as Record<string, unknown>;
      if (typeof e.revision !== "number") throw new CollabError("a history entry has no revision");
      this.events.set(e.revision, remoteEvent(e));
    }
    this.drain();
    if (this.client.revision !== answer.revision) {
      throw new CollabError(`history ends at ${this.client.revision}, not ${answer.revision}`);
    }
  }

  /**
   * A join that answered with the text: start over from it. The edits not acknowledged are
   * moved onto the new text through the difference between the text we had from the server and
   * this one; a viewer's are reported lost.
   */
  private restartFromText(answer: JoinAnswer): void {
    const text = answer.text ?? "";
    const pending = this.pending();
    let kept: Operation | null = null;
    let change: Operation;
    try {
      const between = diff(this.serverText, text);
      [kept, change] = pending ? transform(pending, between) : [null, between];
    } catch (error) {
      if (!(error instanceof OperationError)) throw error;
      if (pending) this.options.onLost?.(pending, error.message);
      change = diff(this.localText, text);
    }
    if (answer.clientId !== this.clientIdValue) this.nextSeq = 1;
    this.clientIdValue = answer.clientId;
    this.roleValue = answer.role;
    this.uriValue = answer.uri;
    this.flight = null;
    this.client = this.newClient(answer.revision);
    this.serverText = text;
    this.presence.restart();
    this.applyToLocal(change, "resync");
    if (kept !== null && !isNoop(kept)) {
      if (this.canEdit) this.client.applyClient(kept);
      else this.options.onLost?.(kept, "this playground is view-only now");
    }
  }

  // --- ops -------------------------------------------------------------------------------

  private newClient(revision: number): Client {
    return new Client(revision, {
      sendOperation: (base, op) => {
        this.flight = { seq: this.nextSeq++, revision: base, op };
        this.transmit();
      },
      applyOperation: (op) => this.applyToLocal(op, "remote"),
    });
  }

  /** Sends the op in flight (again, after a reconnect: same seq, same base, same op). */
  private transmit(): void {
    const flight = this.flight;
    if (flight === null || !this.ready) return;
    const epoch = this.epoch;
    const params = { ...this.where(), revision: flight.revision, seq: flight.seq, op: flight.op };
    this.connection.request("playground/collab/op", params).then(
      (answer) => {
        if (epoch !== this.epoch || this.flight !== flight) return;
        const revision = (answer as { revision?: unknown } | null)?.revision;
        if (typeof revision !== "number") {
          this.log(`an op's answer has no revision: ${JSON.stringify(answer)}`);
          return;
        }
        this.events.set(revision, { kind: "ack" });
        this.drain();
      },
      (error: unknown) => {
        if (epoch !== this.epoch || this.flight !== flight) return;
        // A transport failure is the owner's to report (connectionLost); the op is resent.
        if (isRpcError(error)) this.refused(error);
        else this.log(`op ${flight.seq} not answered: ${describeError(error)}`);
      },
    );
  }

  private remoteOp(p: Record<string, unknown>): void {
    if (typeof p.revision !== "number") return this.log("a remoteOp without a revision");
    try {
      this.events.set(p.revision, remoteEvent(p));
    } catch (error) {
      return this.log(`a malformed remoteOp: ${describeError(error)}`);
    }
    if (this.joining || !this.ready) return;
    try {
      this.drain();
    } catch (error) {
      if (!(error instanceof CollabError)) throw error;
      this.log(`a remote op did not fit, resyncing: ${error.message}`);
      void this.resync();
      return;
    }
    // Ops come in revision order; a hole that is not our own ack's is a lost message.
    if (this.events.size > 0 && this.flight === null) {
      this.log(
        `revision ${this.client.revision + 1} never came (have ${[...this.events.keys()].join(",")}), resyncing`,
      );
      void this.resync();
    }
  }

  /** Processes the events that follow the current revision, in order. */
  private drain(): void {
    if (this.joining) return;
    for (const revision of [...this.events.keys()]) {
      if (revision <= this.client.revision) this.events.delete(revision);
    }
    for (;;) {
      const revision = this.client.revision + 1;
      const event = this.events.get(revision);
      if (event === undefined) return;
      this.events.delete(revision);
      const flight = this.flight;
      const ours =
        event.kind === "ack" ||
        (flight !== null && event.clientId === this.clientIdValue && event.seq === flight.seq);
      if (ours) {
        const op = this.client.outstanding;
        if (op === null) throw new CollabError(`an ack for revision ${revision} with nothing sent`);
        this.serverText = apply(this.serverText, op);
        this.presence.record(revision, op);
        this.flight = null;
        this.client.serverAck();
      } else if (event.kind === "remote") {
        this.serverText = apply(this.serverText, event.op);
        this.presence.record(revision, event.op);
        this.client.applyServer(event.op);
      }
    }
  }

  /** The server refused the op in flight: take it off the text, keep the later edits. */
  private refused(error: unknown): void {
    const outstanding = this.client.outstanding;
    if (outstanding === null) return;
    const buffer = this.client.buffer;
    const undoIt = invert(outstanding, this.serverText);
    const [kept, change] = buffer ? transform(buffer, undoIt) : [null, undoIt];
    this.flight = null;
    this.client = this.newClient(this.client.revision);
    this.applyToLocal(change, "resync");
    this.options.onRefused?.(error, outstanding);
    if (kept !== null && !isNoop(kept)) this.client.applyClient(kept);
    void this.resync();
  }

  private async resync(): Promise<void> {
    try {
      await this.rejoin(this.clientIdValue !== null);
    } catch (error) {
      this.log(`resync failed: ${describeError(error)}`);
    }
  }

  // --- the local text --------------------------------------------------------------------

  private applyLocal(op: Operation): void {
    this.localText = apply(this.localText, op);
    // Our selection moves with our own edits too (it is sent again after a rejoin).
    if (this.selection !== null) this.selection = transformSelection(this.selection, op);
    this.client.applyClient(op);
  }

  /** A change not made in the editor: to the text, the undo stacks, our selection, the hook. */
  private applyToLocal(op: Operation, origin: ChangeOrigin): void {
    if (isNoop(op)) return;
    this.localText = apply(this.localText, op);
    this.undoManager.transform(op);
    if (this.selection !== null) this.selection = transformSelection(this.selection, op);
    this.options.onChange?.({ op, text: this.localText, origin });
  }

  private unredo(which: "undo" | "redo"): Operation | null {
    if (!this.canEdit) return null;
    const undo = this.undoManager;
    if (!(which === "undo" ? undo.canUndo() : undo.canRedo())) return null;
    let done: Operation | null = null;
    const perform = (op: Operation) => {
      undo.add(invert(op, this.localText));
      this.applyLocal(op);
      done = op;
    };
    if (which === "undo") undo.performUndo(perform);
    else undo.performRedo(perform);
    if (done !== null) this.options.onChange?.({ op: done, text: this.localText, origin: which });
    return done;
  }

  /** Everything not acknowledged, as one op on serverText. */
  private pending(): Operation | null {
    const { outstanding, buffer } = this.client;
    if (outstanding === null) return null;
    return buffer === null ? outstanding : compose(outstanding, buffer);
  }

  private sendCursor(): void {
    if (!this.ready || this.selection === null) return;
    const pending = this.pending();
    // Our selection is on the local text; the server places it at our revision.
    const atRevision = pending
      ? transformSelection(this.selection, invert(pending, this.serverText))
      : this.selection;
    this.connection.notify("playground/collab/cursor", {
      ...this.where(),
      revision: this.client.revision,
      selections: atRevision.ranges,
    });
  }

  private requireEditable(op: Operation): void {
    if (!this.canEdit) throw new CollabError("this playground is view-only");
    if (baseLength(op) !== this.localText.length) {
      throw new OperationError(
        `the edit is for a text of ${baseLength(op)} characters, the document has ${this.localText.length}`,
      );
    }
  }

  private where(): { playground: string; path: string } {
    return { playground: this.options.playground, path: this.options.path };
  }

  private isMine(params: unknown): boolean {
    if (typeof params !== "object" || params === null) return false;
    const p = params as Record<string, unknown>;
    return p.playground === this.options.playground && p.path === this.options.path;
  }

  private log(message: string): void {
    (this.options.log ?? console.warn)(`collab ${this.options.path}: ${message}`);
  }
}

function remoteEvent(p: Record<string, unknown>): RemoteEvent {
  return { kind: "remote", op: fromJSON(p.op), clientId: p.clientId, seq: p.seq };
}

function parseJoin(value: unknown): JoinAnswer {
  if (typeof value !== "object" || value === null) throw new CollabError("join: no answer");
  const v = value as Record<string, unknown>;
  if (typeof v.clientId !== "string" || typeof v.revision !== "number") {
    throw new CollabError(`join: an answer without clientId or revision: ${JSON.stringify(v)}`);
  }
  if (typeof v.text !== "string" && !Array.isArray(v.history)) {
    throw new CollabError("join: an answer with neither text nor history");
  }
  return {
    clientId: v.clientId,
    revision: v.revision,
    role: typeof v.role === "string" ? v.role : "view",
    uri: typeof v.uri === "string" ? v.uri : "",
    participants: v.participants,
    ...(typeof v.text === "string" ? { text: v.text } : { history: v.history as unknown[] }),
  };
}

/** A JSON-RPC error (the server answered no), as opposed to a transport failure. */
function isRpcError(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "number"
  );
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : JSON.stringify(error);
}
