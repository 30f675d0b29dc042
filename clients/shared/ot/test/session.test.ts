/**
 * CollabSession over an in-memory server (fake-server.ts): what each user sees converges, an op
 * lost with its connection lands once, a refused op leaves the text, viewers cannot edit, undo
 * is one's own, and the others' cursors follow the text. The wires move only when a test says.
 */
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  type Change,
  CollabError,
  CollabSession,
  type Operation,
  OperationBuilder,
  apply,
} from "../src/index.js";
import { FakeServer, type Link, WHERE } from "./fake-server.js";
import { type Rng, boundaries, int, prng, randomOp, randomText, typingOp } from "./random.js";

const SEEDS = 200;
const insert = (text: string, at: number, s: string) =>
  new OperationBuilder().retain(at).insert(s).retain(text.length - at).build();

/** One person: a session, its connection, and the editor text it drives. */
class User {
  link: Link;
  readonly session: CollabSession;
  /** The editor: its own edits plus every change the session reported. */
  editor = "";
  online = true;
  reconnecting: Promise<void> | null = null;
  readonly changes: Change[] = [];
  readonly refused: { error: unknown; op: Operation }[] = [];
  /** Anything wrong the user would see or the session logged. */
  readonly problems: string[] = [];

  constructor(
    readonly server: FakeServer,
    readonly name: string,
  ) {
    this.link = server.connect();
    this.session = new CollabSession(this.link, {
      ...WHERE,
      name,
      onChange: (change) => {
        this.changes.push(change);
        this.editor = apply(this.editor, change.op);
        if (this.editor !== change.text) this.problems.push(`onChange text ${change.text}`);
      },
      onRefused: (error, op) => this.refused.push({ error, op }),
      onLost: (op, reason) => this.problems.push(`lost ${JSON.stringify(op)}: ${reason}`),
      log: (message) => this.problems.push(message),
    });
    this.link.session = this.session;
  }

  get text(): string {
    return this.session.text;
  }

  edit(op: Operation): void {
    this.session.edit(op);
    this.editor = apply(this.editor, op);
  }

  type(at: number, s: string): void {
    this.edit(insert(this.text, at, s));
  }

  /** The connection breaks (the owner is told first, as a transport's close handler does). */
  drop(): void {
    this.session.connectionLost();
    this.link.close();
    this.online = false;
  }

  reconnect(): Promise<void> {
    this.link = this.server.connect();
    this.link.session = this.session;
    this.online = true;
    this.reconnecting = this.session.reconnect(this.link).finally(() => (this.reconnecting = null));
    return this.reconnecting;
  }

  /** The others' cursors as this user sees them, by name. */
  cursors(): Record<string, [number, number][]> {
    const out: Record<string, [number, number][]> = {};
    for (const c of this.session.remoteCursors()) {
      out[c.name] = c.selection.ranges.map((r) => [r.anchor, r.head]);
    }
    return out;
  }
}

/** Moves one message, a random one with rng, else the first found; false if the wires are empty. */
async function step(users: readonly User[], rng?: Rng): Promise<boolean> {
  const moves: (() => unknown)[] = [];
  for (const u of users) {
    if (u.link.up.length > 0) moves.push(() => u.link.serve());
    if (u.link.down.length > 0) moves.push(() => u.link.deliver());
  }
  if (moves.length === 0) return false;
  await (moves[rng ? int(rng, moves.length) : 0] as () => unknown)();
  return true;
}

async function run(users: readonly User[], rng?: Rng): Promise<void> {
  while (await step(users, rng));
}

async function joined(server: FakeServer, ...names: string[]): Promise<User[]> {
  const users = names.map((name) => new User(server, name));
  for (const u of users) {
    const join = u.session.join();
    await run(users);
    await join;
  }
  return users;
}

function assertConverged(server: FakeServer, users: readonly User[], where = ""): void {
  for (const u of users) {
    assert.deepEqual(u.problems, [], `${where} ${u.name}`);
    assert.equal(u.editor, u.text, `${where} ${u.name}'s editor shows the session's text`);
    assert.equal(u.text, server.text, `${where} ${u.name} has the server's text`);
    assert.equal(u.session.revision, server.revision, where);
    assert.equal(u.session.inFlight, null, where);
  }
  assert.deepEqual(server.refusedNotifications, [], where);
}

async function interleaving(seed: number): Promise<void> {
  const rng = prng(seed);
  const insertOnly = seed % 2 === 0; // each insert a token: every one must land exactly once
  const server = new FakeServer(insertOnly ? "" : randomText(rng));
  const users = await joined(server, ...["ann", "bob", "cy"].slice(0, 2 + int(rng, 2)));
  const tokens: string[] = [];
  for (let i = 0; i < 80; i++) {
    const u = users[int(rng, users.length)] as User;
    const r = rng();
    const bounds = boundaries(u.text);
    if (r < 0.25) {
      if (!insertOnly) u.edit(rng() < 0.7 ? typingOp(rng, u.text) : randomOp(rng, u.text));
      else {
        const between = [0, ...[...u.text.matchAll(/>/g)].map((m) => m.index + 1)];
        tokens.push(`<${u.name}${tokens.length}>`);
        u.type(between[int(rng, between.length)] ?? 0, tokens[tokens.length - 1] as string);
      }
    } else if (r < 0.3 && !insertOnly) {
      u.session.undo();
    } else if (r < 0.33 && !insertOnly) {
      u.session.redo();
    } else if (r < 0.37) {
      const [a, b] = [bounds[int(rng, bounds.length)] ?? 0, bounds[int(rng, bounds.length)] ?? 0];
      u.session.setSelection({ ranges: [{ anchor: a, head: rng() < 0.5 ? a : b }] });
    } else if (r < 0.41 && u.reconnecting === null) {
      if (!u.online) void u.reconnect();
      else {
        if (rng() < 0.5) while (u.link.serve()); // the server got all it was sent, answers lost
        u.drop();
      }
    } else {
      await step(users, rng);
    }
  }
  for (const u of users) if (!u.online) void u.reconnect();
  await run(users, rng);
  await Promise.all(users.map((u) => u.reconnecting));
  const where = `seed ${seed}`;
  assertConverged(server, users, where);
  for (const t of tokens) assert.equal(server.text.split(t).length, 2, `${where}: ${t} once`);
  // Everyone sees the others where the server has them, and sees everyone present.
  for (const u of users) {
    const others = users.filter((o) => o !== u);
    assert.deepEqual(u.session.participants.map((p) => p.name).sort(), others.map((o) => o.name));
    for (const o of others) {
      const ranges = server.selections(o.session.clientId ?? "") ?? [];
      assert.deepEqual(u.cursors()[o.name], ranges.map((r) => [r.anchor, r.head]), where);
    }
  }
}

test(`2-3 sessions, ${SEEDS} seeds of edits, undo, cursors, drops: all converge`, async () => {
  for (let seed = 1; seed <= SEEDS; seed++) await interleaving(seed);
});

for (const serverHadIt of [false, true]) {
  const what = serverHadIt ? "the server had it" : "it never reached the server";
  test(`an op in flight when the connection drops lands once (${what})`, async () => {
    const server = new FakeServer("hello");
    const [ann, bob] = (await joined(server, "ann", "bob")) as [User, User];
    ann.type(5, " world");
    assert.deepEqual(ann.session.inFlight, { seq: 1, revision: 0 });
    const first = ann.link.sent.at(-1);
    if (serverHadIt) ann.link.serve(); // applied and sent to bob; the answer is lost
    ann.drop();
    bob.type(0, "¡");
    await run([bob]);
    ann.type(ann.text.length, "!"); // offline, buffered
    assert.equal(ann.text, "hello world!");
    const rejoin = ann.reconnect();
    await run([ann, bob]);
    await rejoin;
    const ops = ann.link.sent.filter((m) => m.method === "playground/collab/op");
    if (serverHadIt) {
      // The history had it under ann's clientId and seq 1: that was the ack, nothing resent.
      assert.deepEqual(ops.map((m) => m.params.seq), [2]);
    } else {
      assert.deepEqual(ops[0], first, "resent as it was: same seq, same base revision, same op");
      assert.deepEqual(ops.map((m) => m.params.seq), [1, 2]);
    }
    assertConverged(server, [ann, bob]);
    assert.equal(server.text, "¡hello world!");
    const anns = server.history.filter((e) => e.clientId === ann.session.clientId);
    assert.deepEqual(anns.map((e) => e.seq), [1, 2], "each of ann's ops applied once");
  });
}

test("a refused op is taken off the text, reported, and the edits after it are kept", async () => {
  const server = new FakeServer("I 😀 ok");
  const [ann, bob] = (await joined(server, "ann", "bob")) as [User, User];
  ann.type(3, "x"); // between the two halves of 😀: the server refuses it
  ann.type(ann.text.length, "!");
  await run([ann, bob]);
  assert.equal(ann.refused.length, 1);
  assert.deepEqual(ann.refused[0]?.op, [3, "x", 4]);
  assert.match(String(ann.refused[0]?.error), /cuts at unit 3, inside a surrogate pair/);
  assert.ok(ann.changes.some((c) => c.origin === "resync" && c.text === "I 😀 ok!"));
  assertConverged(server, [ann, bob]);
  assert.equal(bob.text, "I 😀 ok!");
  assert.deepEqual(server.history.map((e) => e.op), [[7, "!"]]);
});

test("a viewer cannot edit, and still sees the others' edits", async () => {
  const server = new FakeServer("shared", { vi: "view" });
  const [ann, vi] = (await joined(server, "ann", "vi")) as [User, User];
  assert.equal(vi.session.role, "view");
  assert.equal(vi.session.canEdit, false);
  assert.throws(
    () => vi.session.edit([6, "!"]),
    (e) => e instanceof CollabError && /view-only/.test(e.message),
  );
  assert.equal(vi.session.undo(), null);
  assert.equal(vi.text, "shared");
  ann.type(0, "our ");
  await run([ann, vi]);
  assert.equal(vi.text, "our shared");
  assert.ok(!vi.link.sent.some((m) => m.method === "playground/collab/op"), "nothing sent");
  assertConverged(server, [ann, vi]);
});

test("undo takes back only one's own edit, after someone else's arrived", async () => {
  const server = new FakeServer("def f():\n    pass\n");
  const [ann, bob] = (await joined(server, "ann", "bob")) as [User, User];
  ann.type(ann.text.length, "    return 1\n"); // in flight
  bob.type(0, "# 😀 bob\n");
  bob.link.serve(); // the server takes bob's first
  await ann.link.deliver(); // ann gets it while hers is still in flight
  assert.deepEqual(ann.session.undo(), [27, -13], "ann's line, past bob's");
  assert.deepEqual(ann.changes.at(-1)?.origin, "undo");
  await run([ann, bob]);
  assert.equal(server.text, "# 😀 bob\ndef f():\n    pass\n");
  assertConverged(server, [ann, bob]);
  ann.session.redo();
  bob.session.undo();
  await run([ann, bob]);
  assert.equal(server.text, "def f():\n    pass\n    return 1\n");
  assertConverged(server, [ann, bob]);
});

test("the others' cursors move through concurrent and pending edits", async () => {
  const server = new FakeServer("hello world");
  const [ann, bob] = (await joined(server, "ann", "bob")) as [User, User];
  bob.session.setSelection({ ranges: [{ anchor: 6, head: 6 }] }); // before "world"
  await run([ann, bob]);
  assert.deepEqual(ann.cursors(), { bob: [[6, 6]] });
  ann.type(0, "😀 "); // pending: bob's cursor moves with the text
  assert.deepEqual(ann.cursors(), { bob: [[9, 9]] });
  bob.type(6, "big ");
  bob.link.serve(); // bob's op first (the server moves his cursor after "big ")
  await ann.link.deliver();
  assert.equal(ann.text, "😀 hello big world");
  assert.deepEqual(ann.cursors(), { bob: [[13, 13]] }, "through bob's op, then ann's pending one");
  await run([ann, bob]);
  bob.type(0, "¿"); // pending while he selects: his selection goes in the server's coordinates
  const big = bob.text.indexOf("big");
  bob.session.setSelection({ ranges: [{ anchor: big, head: big + 3 }] });
  await run([ann, bob]);
  const [[anchor, head]] = ann.cursors().bob as [[number, number]];
  assert.equal(ann.text.slice(anchor, head), "big", "ann sees bob select the word he selected");
  assertConverged(server, [ann, bob]);
});

test("after one's own edits and a reconnect, the others see one's selection in place", async () => {
  const server = new FakeServer("hello world");
  const [ann, bob] = (await joined(server, "ann", "bob")) as [User, User];
  bob.session.setSelection({ ranges: [{ anchor: 6, head: 11 }] }); // "world"
  bob.edit([-6, 5]); // bob deletes "hello " before it; his editor's selection moves with it
  await run([ann, bob]);
  assert.deepEqual(ann.cursors(), { bob: [[0, 5]] }, "the server moved it through bob's op");
  bob.drop();
  const rejoin = bob.reconnect(); // the session sends bob's selection again
  await run([ann, bob]);
  await rejoin;
  assert.deepEqual(server.refusedNotifications, []);
  const [[anchor, head]] = ann.cursors().bob as [[number, number]];
  assert.equal(ann.text.slice(anchor, head), "world", "still on the word bob selected");
});
