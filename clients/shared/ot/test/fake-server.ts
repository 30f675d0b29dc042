/**
 * An in-memory playground/collab/* server for the CollabSession tests, as docs/protocol.md and
 * server/collab/room.py describe it, with ot.js's own TextOperation doing the transforms: a
 * history; an op is transformed against the ops since its revision, checked, applied, answered
 * with its revision and sent to everyone else as remoteOp; a repeated (clientId, seq) gets its
 * original revision and nothing else; a rejoin with `since` gets the history after it.
 *
 * Nothing moves by itself: each Link holds what is on the wire, in order, both ways, and the test
 * says when the server reads a message (`serve`) and when the session gets one (`deliver`).
 */
import ot from "ot";

import { type CollabSession, type Connection, type Operation, type Range } from "../src/index.js";

export const WHERE = { playground: "pg", path: "main.py" } as const;

/** A JSON-RPC error answer (RequestFailed), as the transport rejects with it. */
export class RpcError extends Error {
  readonly code = -32803;
}

export interface Entry {
  readonly revision: number;
  readonly op: Operation;
  readonly clientId: string;
  readonly seq: number;
}

interface Member {
  readonly clientId: string;
  readonly name: string;
  readonly role: string;
  link: Link | null;
  selections: Range[];
  lastSeq: number;
  readonly acked: Map<number, number>;
}

// What came off the wire: JSON, read as loosely as a server reads it before checking it.
type Params = Record<string, any>;
interface Up {
  readonly method: string;
  readonly params: Params;
  readonly resolve?: (value: unknown) => void;
  readonly reject?: (error: Error) => void;
}
type Down =
  | { readonly kind: "answer"; readonly settle: () => void }
  | { readonly kind: "notify"; readonly method: string; readonly params: Params };

const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
/** Lets promise callbacks run to their end: setImmediate runs once no microtask is left. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Link implements Connection {
  readonly up: Up[] = [];
  readonly down: Down[] = [];
  /** Everything the session sent on this link. */
  readonly sent: { method: string; params: Params }[] = [];
  private readonly waiting = new Set<(error: Error) => void>();
  session: CollabSession | null = null;
  open = true;

  constructor(private readonly server: FakeServer) {}

  request(method: string, params: unknown): Promise<unknown> {
    if (!this.open) return Promise.reject(new Error("connection closed"));
    this.sent.push({ method, params: wire(params) as Params });
    return new Promise((resolve, reject) => {
      this.waiting.add(reject);
      this.up.push({ method, params: wire(params) as Params, resolve, reject });
    });
  }

  notify(method: string, params: unknown): void {
    if (!this.open) return;
    this.sent.push({ method, params: wire(params) as Params });
    this.up.push({ method, params: wire(params) as Params });
  }

  /** The server reads the next message from this link; false if there was none. */
  serve(): boolean {
    const message = this.up.shift();
    if (message === undefined) return false;
    this.server.handle(this, message);
    return true;
  }

  /** The session gets the next message, and its callbacks run to their end. */
  async deliver(): Promise<boolean> {
    const message = this.down.shift();
    if (message === undefined) return false;
    if (message.kind === "answer") message.settle();
    else this.session?.handleNotification(message.method, message.params);
    await settled();
    return true;
  }

  answer(message: Up, outcome: { value: unknown } | { error: Error }): void {
    const { resolve, reject } = message;
    if (resolve === undefined || reject === undefined) return; // a notification
    this.down.push({
      kind: "answer",
      settle: () => {
        this.waiting.delete(reject);
        if ("value" in outcome) resolve(wire(outcome.value));
        else reject(outcome.error);
      },
    });
  }

  /** The connection breaks: what is on the wire is lost, requests still waiting fail. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.up.length = 0;
    this.down.length = 0;
    for (const reject of this.waiting) reject(new Error("connection closed"));
    this.waiting.clear();
    this.server.disconnect(this);
  }
}

export class FakeServer {
  readonly history: Entry[] = [];
  /** texts[r]: the text at revision r. */
  private readonly texts: string[];
  /** Notifications the server refused (a cursor outside the text of its revision, say). */
  readonly refusedNotifications: string[] = [];
  private readonly members = new Map<string, Member>();
  private nextClient = 1;

  /** @param roles a role by participant name; "edit" for anyone not listed */
  constructor(
    text: string,
    private readonly roles: Record<string, string> = {},
  ) {
    this.texts = [text];
  }

  get text(): string {
    return this.texts[this.texts.length - 1] as string;
  }

  get revision(): number {
    return this.history.length;
  }

  connect(): Link {
    return new Link(this);
  }

  /** A member's selections, on the server's latest text. */
  selections(clientId: string): Range[] | undefined {
    return this.members.get(clientId)?.selections;
  }

  handle(link: Link, message: Up): void {
    const { method, params } = message;
    let presence = false;
    try {
      let value: unknown = null;
      if (method === "playground/collab/join") {
        value = this.join(link, params);
        presence = true;
      } else if (method === "playground/collab/op") {
        value = this.op(this.member(link), params);
      } else if (method === "playground/collab/cursor") {
        presence = this.cursor(this.member(link), params);
      } else if (method === "playground/collab/leave") {
        presence = this.disconnect(link);
      } else {
        throw new RpcError(`unknown method ${method}`);
      }
      link.answer(message, { value });
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      if (message.resolve === undefined) {
        this.refusedNotifications.push(`${method}: ${error.message}`);
      }
      link.answer(message, { error });
    }
    if (presence) this.presence(); // after the answer, as room.py holds it back
  }

  private join(link: Link, p: Params): unknown {
    let member: Member;
    if (p.since !== undefined) {
      const found = this.members.get(p.since.clientId);
      if (found === undefined) throw new RpcError(`clientId ${p.since.clientId} is not yours`);
      this.inHistory(p.since.revision);
      member = found;
    } else {
      const name = typeof p.name === "string" ? p.name : "guest";
      member = {
        clientId: `client-${this.nextClient++}`,
        name,
        role: this.roles[name] ?? "edit",
        link: null,
        selections: [],
        lastSeq: 0,
        acked: new Map(),
      };
      this.members.set(member.clientId, member);
    }
    this.disconnect(link); // one participant per connection
    member.link = link; // a takeover: the old connection hears nothing more
    const answer = {
      clientId: member.clientId,
      revision: this.revision,
      uri: "playground://pg/main.py",
      role: member.role,
      participants: this.present(),
    };
    if (p.since === undefined) return { ...answer, text: this.text };
    return { ...answer, history: this.history.slice(p.since.revision) };
  }

  private op(member: Member, p: Params): unknown {
    if (member.role !== "edit") throw new RpcError("you can view this playground but not edit it");
    const done = member.acked.get(p.seq);
    if (done !== undefined) return { revision: done }; // a resend: nothing applied again
    if (p.seq <= member.lastSeq) throw new RpcError(`seq ${p.seq} was already used`);
    this.inHistory(p.revision);
    let op = ot.TextOperation.fromJSON(p.op);
    try {
      for (const entry of this.history.slice(p.revision)) {
        op = ot.TextOperation.transform(op, ot.TextOperation.fromJSON(entry.op))[0];
      }
      if (op.baseLength !== this.text.length) throw new Error("the op does not fit the document");
      checkCuts(this.text, op.toJSON());
    } catch (error) {
      throw new RpcError(`playground/collab/op refused: ${(error as Error).message}`);
    }
    this.texts.push(op.apply(this.text));
    const entry: Entry = {
      revision: this.revision + 1,
      op: op.toJSON(),
      clientId: member.clientId,
      seq: p.seq,
    };
    this.history.push(entry);
    member.lastSeq = p.seq;
    member.acked.set(p.seq, entry.revision);
    for (const m of this.members.values()) m.selections = m.selections.map((r) => moveRange(r, op));
    const params = wire({ ...WHERE, ...entry });
    for (const other of this.members.values()) {
      if (other.link === null || other === member) continue;
      other.link.down.push({ kind: "notify", method: "playground/collab/remoteOp", params });
    }
    return { revision: entry.revision };
  }

  /** A cursor at its revision: moved through the ops since, to the latest text. */
  private cursor(member: Member, p: Params): boolean {
    this.inHistory(p.revision);
    const length = (this.texts[p.revision] as string).length;
    const ranges = p.selections as Range[];
    if (ranges.some((r) => Math.min(r.anchor, r.head) < 0 || Math.max(r.anchor, r.head) > length)) {
      throw new RpcError(`a selection outside the text of revision ${p.revision}`);
    }
    const since = this.history.slice(p.revision).map((e) => ot.TextOperation.fromJSON(e.op));
    member.selections = ranges.map((r) => since.reduce(moveRange, r));
    return true;
  }

  /** Everyone on this link leaves (it closed, or it joins again). */
  disconnect(link: Link): boolean {
    let gone = false;
    for (const member of this.members.values()) {
      if (member.link !== link) continue;
      member.link = null;
      member.selections = [];
      gone = true;
    }
    if (gone && !link.open) this.presence();
    return gone;
  }

  private member(link: Link): Member {
    for (const member of this.members.values()) if (member.link === link) return member;
    throw new RpcError("join main.py before editing it");
  }

  private present() {
    return [...this.members.values()]
      .filter((m) => m.link !== null)
      .map((m) => ({ clientId: m.clientId, name: m.name, role: m.role, selections: m.selections }));
  }

  private presence(): void {
    const params = wire({ ...WHERE, revision: this.revision, participants: this.present() });
    for (const m of this.members.values()) {
      m.link?.down.push({ kind: "notify", method: "playground/collab/presence", params });
    }
  }

  private inHistory(revision: unknown): void {
    const r = revision as number;
    if (!Number.isInteger(r) || r < 0 || r > this.revision) {
      throw new RpcError(`revision ${r} is not in the history (the file is at ${this.revision})`);
    }
  }
}

/** ot.js's Range.transform on a plain range. */
function moveRange(range: Range, op: unknown): Range {
  const moved = new ot.Selection.Range(range.anchor, range.head).transform(op);
  return { anchor: moved.anchor, head: moved.head };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** As room.py's Document.check: no cut inside a surrogate pair, no lone surrogate inserted. */
function checkCuts(text: string, op: Operation): void {
  const cut = (at: number) => {
    if (/[\ud800-\udbff]/.test(text[at - 1] ?? "") && /[\udc00-\udfff]/.test(text[at] ?? "")) {
      throw new Error(`the operation cuts at unit ${at}, inside a surrogate pair`);
    }
  };
  let at = 0;
  for (const c of op) {
    if (typeof c === "string") {
      if (LONE_SURROGATE.test(c)) throw new Error("the insert holds a lone surrogate");
      cut(at);
    } else {
      cut(at);
      at += Math.abs(c);
      cut(at);
    }
  }
}
