/**
 * Many CollabSessions editing one file through a real `lionagi-playground lsp --ws` server, for
 * tests/collab/test_simulation.py: the TypeScript client code exactly as the editors use it, over
 * loopback WebSockets with random per-message delays, bursts of edits, and connections dropped
 * and made again. Each client is also an LSP client of its own connection: it opens the shared
 * file's uri and sends every change as incremental `didChange`, as Monaco and VS Code do.
 *
 *   node --experimental-websocket dist/test/simulate.js '{"url": ..., "playground": ..., ...}'
 *
 * At quiescence it prints one JSON line: every replica's text, revision and LSP view (read back
 * with `playground/document`), the tokens each inserted, and what went wrong (refusals, lost
 * edits, resyncs). The Python test compares them with the server's text and its stored log.
 */

import { CollabSession, type Operation, OperationBuilder, cursor } from "../src/index.js";
import { type Rng, boundaries, int, prng } from "./random.js";

interface Config {
  /** ws://host:port/lsp?token=... */
  readonly url: string;
  readonly playground: string;
  readonly path: string;
  readonly clients: number;
  readonly seconds: number;
  readonly seed: number;
  /** Only inserts, each a token no one else inserts: every one must end up there once. */
  readonly insertOnly: boolean;
  /** Mean edits per second per client (a burst counts as one). */
  readonly rate: number;
  /** Mean connection drops per client per minute. */
  readonly dropsPerMinute: number;
  /** Each message, each way, is held back a random 0..maxDelayMs (in order). */
  readonly maxDelayMs: number;
  readonly quiescenceSeconds?: number;
}

interface MinimalSocket {
  readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
}

const WebSocketCtor = (globalThis as unknown as { WebSocket?: new (url: string) => MinimalSocket })
  .WebSocket;

class TransportError extends Error {}

interface Delayed {
  readonly at: number;
  readonly action: () => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * JSON-RPC 2.0 over one WebSocket, every message delayed by a random amount but kept in order.
 */
class Rpc {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  private readonly sendQueue: Delayed[] = [];
  private readonly receiveQueue: Delayed[] = [];
  private closed = false;
  onNotification: (method: string, params: unknown) => void = () => {};

  private constructor(
    private readonly socket: MinimalSocket,
    private readonly rng: Rng,
    private readonly maxDelayMs: number,
  ) {
    socket.addEventListener("message", (event) => {
      this.later("receive", () => this.receive(String(event.data)));
    });
    socket.addEventListener("close", () => this.lost());
    socket.addEventListener("error", () => this.lost());
  }

  static open(url: string, rng: Rng, maxDelayMs: number): Promise<Rpc> {
    if (WebSocketCtor === undefined) throw new Error("run node with --experimental-websocket");
    const socket = new WebSocketCtor(url);
    return new Promise((resolve, reject) => {
      socket.addEventListener("open", () => resolve(new Rpc(socket, rng, maxDelayMs)));
      socket.addEventListener("error", () => reject(new TransportError(`cannot connect`)));
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  request(method: string, params: unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(new TransportError("connection lost"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    if (!this.closed) this.send({ jsonrpc: "2.0", method, params });
  }

  /** Drops the connection (what a network failure looks like to both ends). */
  drop(): void {
    this.socket.close();
    this.lost();
  }

  private send(message: object): void {
    const body = JSON.stringify(message);
    this.later("send", () => {
      if (!this.closed && this.socket.readyState === 1) this.socket.send(body);
    });
  }

  /**
   * Runs `action` after a random delay, after every action queued before it on that side.
   * One queue and one timer per side: timers of different delays may fire in any order when
   * they fall due together, which would reorder the messages. One action per timer callback,
   * as a WebSocket delivers one message per event (promise callbacks run in between).
   */
  private later(way: "send" | "receive", action: () => void): void {
    const queue = way === "send" ? this.sendQueue : this.receiveQueue;
    const last = queue.length > 0 ? (queue[queue.length - 1]?.at ?? 0) : 0;
    queue.push({ at: Math.max(last, Date.now() + this.rng() * this.maxDelayMs), action });
    if (queue.length === 1) this.pump(queue);
  }

  private pump(queue: Delayed[]): void {
    const head = queue[0];
    if (head === undefined) return;
    setTimeout(() => {
      queue.shift();
      try {
        head.action();
      } finally {
        this.pump(queue);
      }
    }, Math.max(0, head.at - Date.now()));
  }

  private receive(body: string): void {
    if (this.closed) return;
    const message = JSON.parse(body) as Record<string, unknown>;
    if (typeof message.method === "string") {
      // The server asks things of an LSP client (configuration, capabilities): answer null.
      if (message.id !== undefined) this.send({ jsonrpc: "2.0", id: message.id, result: null });
      else this.onNotification(message.method, message.params);
      return;
    }
    const waiter = this.pending.get(message.id as number);
    if (waiter === undefined) return;
    this.pending.delete(message.id as number);
    if (message.error !== undefined) waiter.reject(message.error);
    else waiter.resolve(message.result);
  }

  private lost(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.pending.values()) waiter.reject(new TransportError("connection lost"));
    this.pending.clear();
  }
}

/** LSP positions on a text whose only line break is "\n" (the simulation's alphabet). */
function position(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, character: offset - start };
}

/** An operation as LSP incremental changes, each on the text the ones before it left. */
function contentChanges(before: string, op: Operation): object[] {
  const changes: object[] = [];
  let text = before;
  let at = 0;
  for (const c of op) {
    if (typeof c === "string") {
      const p = position(text, at);
      changes.push({ range: { start: p, end: p }, text: c });
      text = text.slice(0, at) + c + text.slice(at);
      at += c.length;
    } else if (c > 0) {
      at += c;
    } else {
      const range = { start: position(text, at), end: position(text, at - c) };
      changes.push({ range, text: "" });
      text = text.slice(0, at) + text.slice(at - c);
    }
  }
  return changes;
}

/** Code-point boundaries that are not inside a `[...]` token (where a token may go). */
function outsideTokens(text: string): number[] {
  const bounds = boundaries(text);
  const out: number[] = [];
  let depth = 0;
  for (const at of bounds) {
    if (depth === 0) out.push(at);
    const unit = text[at];
    if (unit === "[") depth++;
    else if (unit === "]") depth--;
  }
  return out;
}

const ATOMS = ["a", "b", " ", "\n", "é", "中", "😀", "𠀀", "👍🏽", "x = 1\n"];

class SimulatedClient {
  readonly name: string;
  readonly tokens: string[] = [];
  private rpc: Rpc | null = null;
  private session: CollabSession | null = null;
  private lspText: string | null = null;
  private lspVersion = 0;
  private tokenCount = 0;
  private reconnecting: Promise<void> | null = null;
  edits = 0;
  drops = 0;
  readonly problems: string[] = [];
  readonly logs: string[] = [];

  constructor(
    private readonly index: number,
    private readonly config: Config,
    private readonly rng: Rng,
  ) {
    this.name = `c${index}`;
  }

  get text(): string {
    return this.requireSession().text;
  }

  get revision(): number {
    return this.requireSession().revision;
  }

  get settled(): boolean {
    const s = this.session;
    return s !== null && this.connected && s.inFlight === null;
  }

  async start(): Promise<void> {
    const rpc = await this.connect();
    const session = new CollabSession(rpc, {
      playground: this.config.playground,
      path: this.config.path,
      name: this.name,
      onChange: (change) => this.toLsp(change.op, change.text),
      onRefused: (error, op) => this.problems.push(`refused ${JSON.stringify(op)}: ${JSON.stringify(error)}`),
      onLost: (op, reason) => this.problems.push(`lost ${JSON.stringify(op)}: ${reason}`),
      log: (message) => this.logs.push(message),
    });
    this.session = session;
    rpc.onNotification = (method, params) => session.handleNotification(method, params);
    await session.join();
    this.openInLsp();
  }

  /** Types until the deadline: random pauses, sometimes a burst, sometimes a dropped line. */
  async type(deadline: number): Promise<void> {
    const meanPause = 1000 / this.config.rate;
    const dropChance = this.config.dropsPerMinute / 60 / this.config.rate;
    while (Date.now() < deadline) {
      await sleep(-Math.log(1 - this.rng()) * meanPause);
      if (this.rng() < dropChance) void this.dropAndReconnect();
      const burst = this.rng() < 0.15 ? 2 + int(this.rng, 10) : 1;
      for (let i = 0; i < burst; i++) this.editOnce();
      if (this.rng() < 0.3) this.moveCursor();
    }
  }

  /** After the typing: connected again, nothing in flight. */
  async settle(): Promise<void> {
    while (!this.connected) await this.reconnect();
  }

  async lspView(): Promise<{ text: string; version: number }> {
    const uri = this.requireSession().uri;
    const answer = (await this.requireRpc().request("playground/document", { uri })) as {
      text: string;
      version: number;
    };
    return answer;
  }

  close(): void {
    this.rpc?.drop();
  }

  private editOnce(): void {
    const session = this.requireSession();
    const text = session.text;
    const op = this.config.insertOnly || this.rng() < 0.65 || text.length === 0
      ? this.insertion(text)
      : this.deletion(text);
    const before = text;
    session.edit(op);
    this.edits++;
    this.toLsp(op, session.text, before);
  }

  private insertion(text: string): Operation {
    const bounds = this.config.insertOnly ? outsideTokens(text) : boundaries(text);
    const at = bounds[int(this.rng, bounds.length)] ?? 0;
    let insert: string;
    if (this.config.insertOnly) {
      insert = `[${this.name}.${this.tokenCount++}😀]`;
      this.tokens.push(insert);
    } else {
      insert = "";
      for (let n = 1 + int(this.rng, 4); n > 0; n--) insert += ATOMS[int(this.rng, ATOMS.length)];
    }
    return new OperationBuilder().retain(at).insert(insert).retain(text.length - at).build();
  }

  private deletion(text: string): Operation {
    const bounds = boundaries(text);
    const i = int(this.rng, bounds.length - 1);
    const j = Math.min(bounds.length - 1, i + 1 + int(this.rng, 6));
    const from = bounds[i] ?? 0;
    const to = bounds[j] ?? text.length;
    return new OperationBuilder().retain(from).delete(to - from).retain(text.length - to).build();
  }

  private moveCursor(): void {
    const session = this.requireSession();
    const bounds = boundaries(session.text);
    session.setSelection(cursor(bounds[int(this.rng, bounds.length)] ?? 0));
  }

  private get connected(): boolean {
    return this.rpc !== null && !this.rpc.isClosed && this.lspText !== null;
  }

  private async dropAndReconnect(): Promise<void> {
    const rpc = this.rpc;
    if (rpc === null || rpc.isClosed) return;
    this.drops++;
    rpc.drop();
    this.requireSession().connectionLost();
    this.lspText = null;
    await sleep(20 + this.rng() * 400);
    while (!this.connected) await this.reconnect();
  }

  /** One reconnection at a time (a drop can come while the last one is still joining). */
  private reconnect(): Promise<void> {
    this.reconnecting ??= this.reconnectOnce().finally(() => {
      this.reconnecting = null;
    });
    return this.reconnecting;
  }

  private async reconnectOnce(): Promise<void> {
    if (this.connected) return;
    try {
      const rpc = await this.connect();
      const session = this.requireSession();
      rpc.onNotification = (method, params) => session.handleNotification(method, params);
      await session.reconnect(rpc);
      if (!rpc.isClosed) this.openInLsp();
    } catch (error) {
      const reason = error instanceof Error ? error.message : JSON.stringify(error);
      this.logs.push(`reconnect failed: ${reason}`);
      await sleep(50);
    }
  }

  private async connect(): Promise<Rpc> {
    const rpc = await Rpc.open(this.config.url, this.rng, this.config.maxDelayMs);
    this.rpc = rpc;
    await rpc.request("initialize", { processId: null, rootUri: null, capabilities: {} });
    rpc.notify("initialized", {});
    return rpc;
  }

  /** A fresh LSP session (a new connection) opens the shared file with the text as it is now. */
  private openInLsp(): void {
    const session = this.requireSession();
    this.lspText = session.text;
    this.requireRpc().notify("textDocument/didOpen", {
      textDocument: { uri: session.uri, languageId: "python", version: ++this.lspVersion, text: session.text },
    });
  }

  /** What the editor does on every change of the model: tell its language server. */
  private toLsp(op: Operation, after: string, before?: string): void {
    if (this.lspText === null || this.rpc === null || this.rpc.isClosed) return;
    const from = before ?? this.lspText;
    if (from !== this.lspText) this.problems.push("the LSP mirror and the editor disagree");
    this.requireRpc().notify("textDocument/didChange", {
      textDocument: { uri: this.requireSession().uri, version: ++this.lspVersion },
      contentChanges: contentChanges(from, op),
    });
    this.lspText = after;
  }

  private requireSession(): CollabSession {
    if (this.session === null) throw new Error(`${this.name} has not joined`);
    return this.session;
  }

  private requireRpc(): Rpc {
    if (this.rpc === null) throw new Error(`${this.name} is not connected`);
    return this.rpc;
  }
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? "{}") as Config;
  const clients = Array.from(
    { length: config.clients },
    (_, i) => new SimulatedClient(i, config, prng(config.seed * 1000 + i)),
  );
  await Promise.all(clients.map((c) => c.start()));
  const started = Date.now();
  await Promise.all(clients.map((c) => c.type(started + config.seconds * 1000)));

  // Quiescence: everyone connected, nothing in flight, every replica at one revision.
  const limit = Date.now() + (config.quiescenceSeconds ?? 30) * 1000;
  for (;;) {
    await Promise.all(clients.map((c) => c.settle()));
    const revisions = new Set(clients.map((c) => c.revision));
    if (clients.every((c) => c.settled) && revisions.size === 1) break;
    if (Date.now() > limit) {
      const states = clients.map((c) => ({ name: c.name, revision: c.revision, settled: c.settled, logs: c.logs }));
      throw new Error(`no quiescence: ${JSON.stringify(states)}`);
    }
    await sleep(20);
  }
  const quiescenceMs = Date.now() - started - config.seconds * 1000;
  const views = await Promise.all(clients.map((c) => c.lspView()));
  const report = {
    quiescenceMs,
    clients: clients.map((c, i) => ({
      name: c.name,
      text: c.text,
      revision: c.revision,
      lsp: views[i]?.text,
      edits: c.edits,
      drops: c.drops,
      tokens: c.tokens,
      problems: c.problems,
      logs: c.logs,
    })),
  };
  for (const c of clients) c.close();
  // A pipe takes a large write in pieces: exit only once all of it is out.
  await new Promise<void>((resolve) => process.stdout.write(`${JSON.stringify(report)}\n`, () => resolve()));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
