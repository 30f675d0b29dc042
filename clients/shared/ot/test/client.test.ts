/**
 * The client state machine against ot.js's own Client, event by event.
 *
 * Both clients see the same events: the user's edits, acknowledgements and other people's ops as
 * a server makes them (it transforms our op against what it applied since our revision, and the
 * ops sent to us are concurrent with ours). After every event they must agree on the state, the
 * revision, what is pending, what they sent and what they applied to the editor.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import ot from "ot";

import {
  Client,
  type Operation,
  type Selection,
  apply,
  compose,
} from "../src/index.js";
import { type Rng, int, prng, randomOp, randomText, typingOp } from "./random.js";

const RUNS = 300;
const STEPS = 60;

interface Log {
  sent: [number, Operation][];
  applied: Operation[];
}

function ourClient(revision: number, onSend: (revision: number, op: Operation) => void) {
  const log: Log = { sent: [], applied: [] };
  const client = new Client(revision, {
    sendOperation: (r, op) => {
      log.sent.push([r, op]);
      onSend(r, op);
    },
    applyOperation: (op) => log.applied.push(op),
  });
  return { client, log };
}

function theirClient(revision: number) {
  const log: Log = { sent: [], applied: [] };
  const client = new ot.Client(revision);
  type OtOp = { toJSON(): Operation };
  client.sendOperation = (r: number, op: OtOp) => log.sent.push([r, op.toJSON()]);
  client.applyOperation = (op: OtOp) => log.applied.push(op.toJSON());
  return { client, log };
}

const json = (op: Operation) => ot.TextOperation.fromJSON(op);

/** ot.js's state as ours is written: its name, and the pending ops in JSON. */
function theirState(client: { state: { outstanding?: unknown; buffer?: unknown } }) {
  const s = client.state;
  const C = ot.Client;
  const name =
    s instanceof C.AwaitingWithBuffer
      ? "AwaitingWithBuffer"
      : s instanceof C.AwaitingConfirm
        ? "AwaitingConfirm"
        : "Synchronized";
  const out = s.outstanding as { toJSON(): Operation } | undefined;
  const buf = s.buffer as { toJSON(): Operation } | undefined;
  return { name, outstanding: out?.toJSON() ?? null, buffer: buf?.toJSON() ?? null };
}

function randomSelection(rng: Rng, length: number): Selection {
  const ranges = [];
  for (let i = 0, n = 1 + int(rng, 2); i < n; i++) {
    const anchor = int(rng, length + 1);
    ranges.push({ anchor, head: rng() < 0.5 ? anchor : int(rng, length + 1) });
  }
  return { ranges };
}

/** One user's client, a server, and the two wires between them (both in order). */
function simulate(seed: number): void {
  const rng = prng(seed);
  const texts = [randomText(rng)]; // the server's text at each revision
  const history: Operation[] = []; // history[r] took texts[r] to texts[r + 1]
  const toServer: { revision: number; op: Operation }[] = [];
  const toClient: ({ kind: "ack" } | { kind: "remote"; op: Operation })[] = [];
  let editor = texts[0] as string;
  const serverText = () => texts[texts.length - 1] as string;

  const ours = ourClient(0, (revision, op) => toServer.push({ revision, op }));
  const theirs = theirClient(0);
  const trace: string[] = [];

  const check = () => {
    const where = `seed ${seed}: ${trace.join(" ")}`;
    const c = ours.client;
    assert.deepEqual(
      { name: c.state.name, outstanding: c.outstanding, buffer: c.buffer },
      theirState(theirs.client),
      where,
    );
    assert.equal(c.revision, theirs.client.revision, where);
    assert.deepEqual(ours.log, theirs.log, where);
    // What the user sees is the server's text at our revision plus what is still pending.
    const base = texts[c.revision] as string;
    const pending = c.outstanding && (c.buffer ? compose(c.outstanding, c.buffer) : c.outstanding);
    assert.equal(editor, pending ? apply(base, pending) : base, where);
    // A remote cursor on the server's text, moved onto ours, as ot.js moves it.
    const sel = randomSelection(rng, base.length);
    const theirSel = theirs.client.transformSelection(
      new ot.Selection(sel.ranges.map((r) => new ot.Selection.Range(r.anchor, r.head))),
    );
    assert.deepEqual(
      c.transformSelection(sel).ranges,
      theirSel.ranges.map((r: { anchor: number; head: number }) => ({ ...r })),
      where,
    );
  };

  const edit = () => {
    const op = rng() < 0.7 ? typingOp(rng, editor) : randomOp(rng, editor);
    editor = apply(editor, op);
    ours.client.applyClient(op);
    theirs.client.applyClient(json(op));
    trace.push("edit");
  };
  /** The server takes our op: transformed past what it applied since our revision. */
  const receive = () => {
    const sent = toServer.shift();
    if (sent === undefined) return;
    let op = json(sent.op);
    for (const other of history.slice(sent.revision)) {
      op = ot.TextOperation.transform(op, json(other))[0];
    }
    history.push(op.toJSON());
    texts.push(op.apply(serverText()));
    toClient.push({ kind: "ack" });
    trace.push("receive");
  };
  /** Someone else's op, on the server's latest text: concurrent with anything we have pending. */
  const other = () => {
    const op = randomOp(rng, serverText());
    history.push(op);
    texts.push(apply(serverText(), op));
    toClient.push({ kind: "remote", op });
    trace.push("other");
  };
  const deliver = () => {
    const event = toClient.shift();
    if (event === undefined) return;
    if (event.kind === "ack") {
      ours.client.serverAck();
      theirs.client.serverAck();
    } else {
      const before = ours.log.applied.length;
      ours.client.applyServer(event.op);
      theirs.client.applyServer(json(event.op));
      for (const op of ours.log.applied.slice(before)) editor = apply(editor, op);
    }
    trace.push(event.kind);
  };

  check();
  for (let step = 0; step < STEPS; step++) {
    const r = rng();
    if (r < 0.35) edit();
    else if (r < 0.55) receive();
    else if (r < 0.7) other();
    else deliver();
    check();
  }
  while (toServer.length > 0 || toClient.length > 0) {
    receive();
    deliver();
    check();
  }
  assert.equal(ours.client.state.name, "Synchronized");
  assert.equal(ours.client.revision, history.length);
  assert.equal(editor, serverText(), `seed ${seed}: the editor converged on the server's text`);
}

test(`random events, ${RUNS} seeds: same states, revisions, sends and applies as ot.js`, () => {
  for (let seed = 1; seed <= RUNS; seed++) simulate(seed);
});

test("Synchronized: an edit is sent at once, a remote op applied as it is", () => {
  const sent: [number, Operation][] = [];
  const applied: Operation[] = [];
  const client = new Client(3, {
    sendOperation: (r, op) => sent.push([r, op]),
    applyOperation: (op) => applied.push(op),
  });
  assert.throws(() => client.serverAck(), { message: "There is no pending operation." });
  client.applyServer([3, "!"]);
  assert.deepEqual(applied, [[3, "!"]]);
  assert.equal(client.revision, 4);
  assert.deepEqual(client.transformSelection({ ranges: [{ anchor: 1, head: 2 }] }).ranges, [
    { anchor: 1, head: 2 },
  ]);
  client.applyClient(["a", 4]);
  assert.deepEqual(sent, [[4, ["a", 4]]]);
  assert.equal(client.state.name, "AwaitingConfirm");
});

test("AwaitingConfirm: a remote op is moved past ours, and ours past it", () => {
  // "abc": we typed "X" at the start; someone else appended "Y".
  const applied: Operation[] = [];
  const client = new Client(0, {
    sendOperation: () => {},
    applyOperation: (op) => applied.push(op),
  });
  client.applyClient(["X", 3]);
  client.applyServer([3, "Y"]);
  assert.deepEqual(applied, [[4, "Y"]], "their Y lands after our X");
  assert.deepEqual(client.outstanding, ["X", 4], "ours now applies to abcY");
  assert.equal(apply(apply("abc", ["X", 3]), [4, "Y"]), "XabcY");
  // Their cursor at the end of "abcY" is one further on in our "XabcY".
  assert.deepEqual(client.transformSelection({ ranges: [{ anchor: 4, head: 4 }] }).ranges, [
    { anchor: 5, head: 5 },
  ]);
  client.serverAck();
  assert.equal(client.state.name, "Synchronized");
  assert.equal(client.revision, 2);
});

test("AwaitingWithBuffer: later edits wait, composed, and go with the ack's revision", () => {
  const sent: [number, Operation][] = [];
  const applied: Operation[] = [];
  const client = new Client(5, {
    sendOperation: (r, op) => sent.push([r, op]),
    applyOperation: (op) => applied.push(op),
  });
  client.applyClient(["a", 2]); // "xy" -> "axy", sent at 5
  client.applyClient([3, "b"]); // "axyb", buffered
  client.applyClient([4, "c"]); // "axybc", composed into the buffer
  assert.deepEqual(sent, [[5, ["a", 2]]], "nothing more is sent before the ack");
  assert.deepEqual(client.buffer, [3, "bc"]);
  client.applyServer([-1, 1, "😀"]); // someone deleted x and added 😀: "y😀"
  assert.deepEqual(applied, [[1, -1, 3, "😀"]]);
  assert.equal(apply("axybc", [1, -1, 3, "😀"]), "aybc😀");
  // Someone selecting all of "y😀" selects "ybc😀" in ours: our "a" is before, our "bc" inside.
  assert.deepEqual(client.transformSelection({ ranges: [{ anchor: 0, head: 3 }] }).ranges, [
    { anchor: 1, head: 6 },
  ]);
  client.serverAck();
  assert.deepEqual(sent[1], [7, [2, "bc", 2]], "the buffer goes at revision 5 + their op + ours");
  assert.equal(client.state.name, "AwaitingConfirm");
});
