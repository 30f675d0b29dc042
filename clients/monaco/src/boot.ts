/**
 * The start-up's network half, which needs no editor: on the first socket it asks at once for
 * what the first paint needs (the playground to show, its files, a join of the file in front
 * and that file's didOpen in the LSP session), while the editor's code (Monaco, the panels,
 * xterm.js) is still loading as a separate chunk. The app (app.ts) then takes the answers over:
 * `takeStart` for the playground and its files, `takeJoin` for the join, which a CollabSession
 * receives as if it had asked itself, with the collaboration notifications that came after it.
 *
 * Everything here is a prefetch: an answer made on a socket that has since dropped is not taken,
 * and the app asks again as it always did.
 */

import type { Connection } from "./connection/connection";
import type { FilesChanged, PlaygroundInfo } from "./connection/playground";
import type { RpcConnection } from "./connection/rpc";
import { languageOf } from "./editor/language";
import type { LspSession } from "./lsp/session";
import { initialTabs, participantName, rememberedTabs } from "./remembered";

const STARTER = `"""Welcome to the lionagi Playground.

Run this file with Run (or Ctrl/Cmd+Enter): the output appears below.
Invite someone to edit it with you from the Invite button.
"""

import asyncio

from lionagi import Branch


async def main() -> None:
    branch = Branch(system="You are a concise assistant.")
    reply = await branch.communicate("Greet a new lionagi user in one sentence.")
    print(reply)


asyncio.run(main())
`;

const COLLAB_NOTIFICATIONS = ["playground/collab/remoteOp", "playground/collab/presence"] as const;

export function playgroundInHash(): string | null {
  const match = /(?:^#|&)p=([^&]+)/.exec(location.hash);
  return match?.[1] === undefined ? null : decodeURIComponent(match[1]);
}

/**
 * The playground to show: the one in the address's `#p=` if reachable, else the first reachable,
 * else (not for an invitation) a new one with a starter `main.py`; null when an invitation
 * reaches nothing any more.
 */
export async function choosePlayground(connection: Connection, reachable?: Promise<PlaygroundInfo[]>): Promise<PlaygroundInfo | null> {
  const list = await (reachable ?? connection.api.list());
  const wanted = playgroundInHash();
  const found = list.find((p) => p.playground === wanted) ?? list[0];
  if (found !== undefined) return found;
  if (connection.isInvited) return null;
  const title = "My playground";
  const made = await connection.api.create(title, { "main.py": STARTER });
  return { playground: made.playground, title, created: Date.now() / 1000, role: "edit", files: made.files };
}

/** The playground to open first and its files, as the first socket answered. */
export interface Start {
  readonly info: PlaygroundInfo | null;
  readonly files: Promise<string[]>;
  /** The file events that came after the files' answer (once; from then on the app gets them). */
  changes(): FilesChanged[];
}

/** A `playground/collab/join` sent at start-up, handed to the CollabSession of its file. */
export interface EarlyJoin {
  /** The join's answer, as the session would have had it. */
  readonly answer: Promise<unknown>;
  /**
   * Hands over the file's collaboration notifications that came after the answer (call it once
   * the session has taken the answer in); from then on they reach the session as usual.
   */
  replay(deliver: (method: string, params: unknown) => void): void;
}

interface Join {
  readonly rpc: RpcConnection;
  readonly playground: string;
  readonly path: string;
  readonly name: string;
  readonly answer: Promise<unknown>;
  answered: boolean;
  /** The document opened in the LSP session with the answer's text, until someone takes it. */
  uri: string | null;
  /** Notifications after the answer, kept until the session takes them; null: not yet answered. */
  kept: [string, unknown][] | null;
  state: "waiting" | "taken" | "replayed" | "dropped";
}

export class Boot {
  private start: { readonly rpc: RpcConnection; readonly value: Promise<Start> } | null = null;
  private readonly joins: Join[] = [];
  /** File events since a files' answer, until the app takes them; null: none asked or taken. */
  private filesChanged: FilesChanged[] | null = null;
  private settled = false;

  constructor(
    readonly connection: Connection,
    readonly lsp: LspSession,
  ) {
    const first = connection.onReady((rpc) => {
      first.dispose();
      const value = this.prefetch(rpc);
      value.catch(() => undefined); // the app asks again (and reports) if this failed
      this.start = { rpc, value };
    });
    for (const method of COLLAB_NOTIFICATIONS) connection.on(method, (params) => this.keep(method, params));
    connection.on("playground/files/changed", (event) => this.filesChanged?.push(event));
    connection.onLost(() => this.settle());
  }

  /** The playground and files asked for on the current socket, once; null when there are none. */
  takeStart(): Promise<Start> | null {
    const start = this.start;
    this.start = null;
    if (start === null || start.rpc !== this.connection.current) return null;
    return start.value;
  }

  /** The start-up's join of this file on the current socket under this name, once, if any. */
  takeJoin(playground: string, path: string, name: string): EarlyJoin | null {
    const rpc = this.connection.current;
    const join = this.joins.find(
      (j) => j.state === "waiting" && j.rpc === rpc && j.playground === playground && j.path === path && j.name === name,
    );
    if (join === undefined) return null;
    join.state = "taken";
    return {
      answer: join.answer,
      replay: (deliver) => {
        const kept = join.kept ?? [];
        join.kept = null;
        join.state = "replayed";
        for (const [method, params] of kept) deliver(method, params);
      },
    };
  }

  /**
   * The app has opened its first tabs: a join nobody took is left (and its document closed), so
   * the others do not see this page in a file it does not show.
   */
  settle(): void {
    this.settled = true;
    this.start = null;
    this.filesChanged = null;
    for (const join of this.joins) {
      if (join.state === "waiting") this.drop(join);
    }
  }

  private async prefetch(rpc: RpcConnection): Promise<Start> {
    const api = this.connection.api;
    const reachable = api.list();
    const wanted = playgroundInHash();
    let files: Promise<string[]> | null = null;
    if (wanted !== null) {
      // A reload: the files, and the tab that was in front, need not wait for the list.
      files = this.files(wanted);
      const active = rememberedTabs(wanted)?.active;
      if (active) this.join(rpc, wanted, active);
    }
    const info = await choosePlayground(this.connection, reachable);
    const changes = () => {
      const taken = this.filesChanged ?? [];
      this.filesChanged = null;
      return taken;
    };
    if (info === null) return { info, files: Promise.resolve([]), changes };
    if (info.playground !== wanted) files = this.files(info.playground);
    const tabs = initialTabs(info.playground, info.files);
    const active = tabs[tabs.length - 1];
    if (active !== undefined && !this.joins.some((j) => j.playground === info.playground && j.path === active)) {
      this.join(rpc, info.playground, active);
    }
    return { info, files: files ?? this.files(info.playground), changes };
  }

  private files(playground: string): Promise<string[]> {
    const files = this.connection.api.filesList(playground).then((list) => {
      // The connection is a member from this answer on: its file events follow.
      if (!this.settled) this.filesChanged ??= [];
      return list.map((f) => f.path);
    });
    files.catch(() => undefined);
    return files;
  }

  private join(rpc: RpcConnection, playground: string, path: string): void {
    const name = participantName();
    const answer = rpc.request("playground/collab/join", { playground, path, name });
    const join: Join = { rpc, playground, path, name, answer, answered: false, uri: null, kept: null, state: "waiting" };
    this.joins.push(join);
    answer.then(
      (value) => {
        join.answered = true;
        if (join.state === "dropped") return this.leave(join);
        if (join.state === "waiting") join.kept = [];
        // The LSP session gets the file now; the editor's model takes the document over.
        const { uri, text } = (value ?? {}) as { uri?: unknown; text?: unknown };
        if (typeof uri === "string" && typeof text === "string" && !this.lsp.isOpen(uri)) {
          join.uri = uri;
          this.lsp.openText(uri, languageOf(path), text);
        }
        if (join.state === "waiting" && this.settled) this.drop(join);
      },
      () => {
        if (join.state === "waiting") join.state = "dropped";
      },
    );
  }

  private keep(method: string, params: unknown): void {
    const p = params as { playground?: unknown; path?: unknown } | null;
    for (const join of this.joins) {
      if (join.kept !== null && join.state !== "replayed" && p?.playground === join.playground && p.path === join.path) {
        join.kept.push([method, params]);
      }
    }
  }

  /** Nobody takes this join: forget it, and leave the file once the server has joined it. */
  private drop(join: Join): void {
    join.state = "dropped";
    join.kept = null;
    if (join.answered) this.leave(join);
  }

  private leave(join: Join): void {
    if (join.uri !== null) this.lsp.close(join.uri);
    join.uri = null;
    // Sent after the join's answer: the server may handle two requests at once.
    if (!join.rpc.isClosed) {
      join.rpc.request("playground/collab/leave", { playground: join.playground, path: join.path }).catch(() => undefined);
    }
  }
}
