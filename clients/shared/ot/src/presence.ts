/**
 * The other participants and their cursors, kept in the server's coordinates and moved to the
 * local text on demand (through the server ops since, then through what is pending locally).
 */

import { type Operation } from "./operation.js";
import { type Range, type Selection, rangesFromJSON, transformSelection } from "./selection.js";

export type ClientId = string;

export interface Participant {
  readonly clientId: ClientId;
  readonly name: string;
  readonly colour?: string;
  readonly role?: string;
}

export interface RemoteCursor extends Participant {
  /** In the local text's coordinates. */
  readonly selection: Selection;
}

/** Server ops remembered for moving cursors that were placed at an older revision. */
const KEPT_OPS = 500;

interface Placed {
  readonly revision: number;
  readonly ranges: readonly Range[];
}

export class Presence {
  private participants: Participant[] = [];
  private placed = new Map<ClientId, Placed>();
  /** Cursors placed at a revision this client has not reached yet. */
  private ahead = new Map<ClientId, Placed>();
  private ops = new Map<number, Operation>();

  /** Reads a participants list off the wire (join's answer, presence); skips oneself. */
  update(value: unknown, revision: number, self: ClientId | null, current: number): void {
    if (!Array.isArray(value)) return;
    const participants: Participant[] = [];
    const seen = new Set<ClientId>();
    for (const item of value as unknown[]) {
      if (typeof item !== "object" || item === null) continue;
      const p = item as Record<string, unknown>;
      if (typeof p.clientId !== "string" || p.clientId === self) continue;
      const participant: Participant = {
        clientId: p.clientId,
        name: typeof p.name === "string" ? p.name : "guest",
        ...(typeof p.colour === "string" ? { colour: p.colour } : {}),
        ...(typeof p.role === "string" ? { role: p.role } : {}),
      };
      participants.push(participant);
      seen.add(participant.clientId);
      const ranges = rangesFromJSON(p.selections);
      if (ranges === null) continue;
      if (revision <= current) this.placed.set(participant.clientId, { revision, ranges });
      else this.ahead.set(participant.clientId, { revision, ranges });
    }
    this.participants = participants;
    for (const map of [this.placed, this.ahead]) {
      for (const id of [...map.keys()]) if (!seen.has(id)) map.delete(id);
    }
  }

  /** The server's op of `revision` (the text went from revision - 1 to revision). */
  record(revision: number, op: Operation): void {
    this.ops.set(revision, op);
    this.ops.delete(revision - KEPT_OPS);
    for (const [id, placed] of this.ahead) {
      if (placed.revision <= revision) {
        this.placed.set(id, placed);
        this.ahead.delete(id);
      }
    }
  }

  /** Forgets the ops (a new history starts, after a resync from text). */
  restart(): void {
    this.ops.clear();
    this.placed.clear();
    this.ahead.clear();
  }

  list(): readonly Participant[] {
    return this.participants;
  }

  /** Everyone's cursor on the local text; `local` moves a selection through pending edits. */
  cursors(current: number, local: (s: Selection) => Selection): RemoteCursor[] {
    const out: RemoteCursor[] = [];
    for (const participant of this.participants) {
      const placed = this.placed.get(participant.clientId);
      if (placed === undefined) continue;
      let selection: Selection | null = { ranges: placed.ranges };
      for (let r = placed.revision + 1; r <= current && selection !== null; r++) {
        const op = this.ops.get(r);
        selection = op === undefined ? null : transformSelection(selection, op);
      }
      if (selection !== null) out.push({ ...participant, selection: local(selection) });
    }
    return out;
  }
}
