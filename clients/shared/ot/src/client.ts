/**
 * ot.js's client state machine: at most one operation in flight, later edits buffered.
 *
 * Synchronized: nothing unacknowledged. AwaitingConfirm: one operation sent, no ack yet.
 * AwaitingWithBuffer: one sent and the edits made since, composed into one buffer, sent when the
 * ack comes. Remote operations are transformed against what is pending before they are applied.
 * It is the caller's responsibility to send and to apply: this class only calls its two hooks.
 */

import { CollabError } from "./errors.js";
import { type Operation, compose, transform } from "./operation.js";
import { type Selection, transformSelection } from "./selection.js";

export type ClientState =
  | { readonly name: "Synchronized" }
  | { readonly name: "AwaitingConfirm"; readonly outstanding: Operation }
  | {
      readonly name: "AwaitingWithBuffer";
      readonly outstanding: Operation;
      readonly buffer: Operation;
    };

const synchronized: ClientState = { name: "Synchronized" };

export interface ClientHooks {
  /** Send op, based on the server's `revision`; the ack must come back as serverAck(). */
  sendOperation(revision: number, op: Operation): void;
  /** Apply a remote op, already transformed, to the local document. */
  applyOperation(op: Operation): void;
}

export class Client {
  state: ClientState = synchronized;

  /** @param revision the next revision expected from the server (the count it has applied). */
  constructor(
    public revision: number,
    private readonly hooks: ClientHooks,
  ) {}

  /** The user changed the document. */
  applyClient(op: Operation): void {
    const s = this.state;
    switch (s.name) {
      case "Synchronized":
        this.hooks.sendOperation(this.revision, op);
        this.state = { name: "AwaitingConfirm", outstanding: op };
        break;
      case "AwaitingConfirm":
        this.state = { name: "AwaitingWithBuffer", outstanding: s.outstanding, buffer: op };
        break;
      case "AwaitingWithBuffer":
        this.state = { ...s, buffer: compose(s.buffer, op) };
        break;
    }
  }

  /** An operation from another client, in the server's order. */
  applyServer(op: Operation): void {
    this.revision++;
    const s = this.state;
    switch (s.name) {
      case "Synchronized":
        this.hooks.applyOperation(op);
        break;
      case "AwaitingConfirm": {
        const [outstanding, remote] = transform(s.outstanding, op);
        this.hooks.applyOperation(remote);
        this.state = { name: "AwaitingConfirm", outstanding };
        break;
      }
      case "AwaitingWithBuffer": {
        const [outstanding, remote1] = transform(s.outstanding, op);
        const [buffer, remote2] = transform(s.buffer, remote1);
        this.hooks.applyOperation(remote2);
        this.state = { name: "AwaitingWithBuffer", outstanding, buffer };
        break;
      }
    }
  }

  /** The server applied our operation in flight. */
  serverAck(): void {
    const s = this.state;
    if (s.name === "Synchronized") throw new CollabError("There is no pending operation.");
    this.revision++;
    if (s.name === "AwaitingConfirm") {
      this.state = synchronized;
    } else {
      this.hooks.sendOperation(this.revision, s.buffer);
      this.state = { name: "AwaitingConfirm", outstanding: s.buffer };
    }
  }

  /** Moves a selection from the server's latest text to the local one (through what is pending). */
  transformSelection(selection: Selection): Selection {
    const s = this.state;
    if (s.name === "Synchronized") return selection;
    const afterOutstanding = transformSelection(selection, s.outstanding);
    if (s.name === "AwaitingConfirm") return afterOutstanding;
    return transformSelection(afterOutstanding, s.buffer);
  }

  /** The operation in flight, if any, as it now stands against the server's latest text. */
  get outstanding(): Operation | null {
    return this.state.name === "Synchronized" ? null : this.state.outstanding;
  }

  /** The buffered edits, if any. */
  get buffer(): Operation | null {
    return this.state.name === "AwaitingWithBuffer" ? this.state.buffer : null;
  }
}
