/**
 * All the shared files the page has open in one playground: joins them (once each), routes the
 * collaboration notifications to them, opens each in the LSP session under its `playground://`
 * uri, and carries them across a dropped connection (connectionLost, then reconnect on the new
 * socket: edits typed meanwhile are sent then).
 */

import type { Connection as OtConnection } from "../../../shared/ot/src/index";
import type { EarlyJoin } from "../boot";
import type { Connection } from "../connection/connection";
import { type RpcConnection, describeError } from "../connection/rpc";
import type { LspClient } from "../lsp/client";
import type { monaco } from "./monaco";
import { type FileParticipant, SharedFile, type WorkspaceEvent } from "./shared-file";

export type { FileParticipant, SharedFile, WorkspaceEvent };

type Model = monaco.editor.ITextModel;

export class Workspace {
  private readonly files = new Map<string, SharedFile>();
  /** Files joined or joining: a remote op may follow a join's answer before the model exists. */
  private readonly live = new Set<SharedFile>();
  private readonly opening = new Map<string, Promise<SharedFile>>();
  private readonly listeners = new Set<(event: WorkspaceEvent) => void>();
  /** The name the page started with (sessions made then rejoin under it). */
  private readonly joinedAs: string;

  constructor(
    private readonly connection: Connection,
    private readonly lsp: LspClient,
    readonly playground: string,
    private name: string,
    /** A join the start-up already sent for a file (boot.ts), taken instead of sending one. */
    private readonly earlyJoin: (playground: string, path: string, name: string) => EarlyJoin | null = () => null,
  ) {
    this.joinedAs = name;
    connection.on("playground/collab/remoteOp", (params) => this.route("playground/collab/remoteOp", params));
    connection.on("playground/collab/presence", (params) => this.route("playground/collab/presence", params));
    connection.onLost(() => {
      for (const file of this.files.values()) file.connectionLost();
    });
    connection.onReady((rpc) => void this.reconnect(rpc));
  }

  onEvent(listener: (event: WorkspaceEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get(path: string): SharedFile | undefined {
    return this.files.get(path);
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /** Joins the file (once) and opens its model in the LSP session. */
  open(path: string): Promise<SharedFile> {
    const open = this.files.get(path);
    if (open !== undefined) return Promise.resolve(open);
    let opening = this.opening.get(path);
    if (opening === undefined) {
      opening = this.join(path).finally(() => this.opening.delete(path));
      this.opening.set(path, opening);
    }
    return opening;
  }

  close(path: string, gone = false): void {
    const file = this.files.get(path);
    if (file === undefined) return;
    this.files.delete(path);
    this.live.delete(file);
    try {
      this.lsp.close(file.textModel);
    } catch {
      // never opened: nothing to close
    }
    file.close(gone);
    this.fire({ kind: "presence" });
  }

  /** Everyone in any open file, oneself excluded, with the file they are in. */
  participants(): FileParticipant[] {
    const out: FileParticipant[] = [];
    for (const file of this.files.values()) {
      for (const p of file.participants()) out.push({ ...p, path: file.path });
    }
    return out;
  }

  /**
   * The name the others see, in every open file at once (`playground/collab/name`) and in the
   * files joined from now on.
   */
  async rename(name: string): Promise<void> {
    this.name = name;
    if (this.files.size > 0) await this.connection.request("playground/collab/name", { playground: this.playground, name });
  }

  pending(): boolean {
    return [...this.files.values()].some((f) => f.pending);
  }

  /**
   * Resolves once every local edit is acknowledged (true), or after `timeoutMs` (false): a shared
   * run takes the files as the server has them, so Run waits for what was just typed.
   */
  whenSaved(timeoutMs: number): Promise<boolean> {
    if (!this.pending()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = window.setTimeout(() => finish(false), timeoutMs);
      const subscription = this.onEvent((event) => {
        if (event.kind === "saved" && !this.pending()) finish(true);
      });
      const finish = (saved: boolean) => {
        window.clearTimeout(timer);
        subscription.dispose();
        resolve(saved);
      };
    });
  }

  private async join(path: string): Promise<SharedFile> {
    const rpc = this.connection.current;
    if (rpc === null) throw new Error("not connected to the server; retrying");
    const early = this.earlyJoin(this.playground, path, this.name);
    const file = new SharedFile(path, this.playground, this.name, this.otConnection(rpc, early?.answer), (e) => this.fire(e));
    this.live.add(file);
    let model: Model;
    try {
      model = await file.open();
    } catch (error) {
      this.live.delete(file);
      early?.replay(() => undefined);
      throw error;
    }
    this.files.set(path, file);
    this.lsp.open(model, file.session.uri);
    // What the others did since the early join's answer, now that the session has taken it in.
    early?.replay((method, params) => file.session.handleNotification(method, params));
    this.fire({ kind: "presence" });
    return file;
  }

  private async reconnect(rpc: RpcConnection): Promise<void> {
    await Promise.all(
      [...this.files.values()].map(async (file) => {
        try {
          await file.reconnect(this.otConnection(rpc));
        } catch (error) {
          this.fire({ kind: "problem", path: file.path, message: `Could not rejoin: ${describeError(error)}` });
        }
      }),
    );
    // A session rejoins under the name it was made with; the name may have changed since.
    if (this.files.size > 0 && this.name !== this.joinedAs) {
      rpc.request("playground/collab/name", { playground: this.playground, name: this.name }).catch((error: unknown) => {
        console.warn("could not restore the name", error);
      });
    }
    this.fire({ kind: "presence" });
    this.fire({ kind: "saved", pending: this.pending() });
  }

  /**
   * The session's transport: this socket; an answer to an op may mean "saved". `joined`: the
   * answer to the session's first join, already asked for at start-up.
   */
  private otConnection(rpc: RpcConnection, joined?: Promise<unknown>): OtConnection {
    return {
      request: (method, params) => {
        if (method === "playground/collab/join" && joined !== undefined) {
          const answer = joined;
          joined = undefined;
          return answer;
        }
        const answer = rpc.request(method, params);
        if (method === "playground/collab/op") {
          const after = () => window.setTimeout(() => this.fire({ kind: "saved", pending: this.pending() }));
          answer.then(after, after);
        }
        return answer;
      },
      notify: (method, params) => rpc.notify(method, params),
    };
  }

  private route(method: string, params: unknown): void {
    for (const file of this.live) if (file.session.handleNotification(method, params)) return;
  }

  private fire(event: WorkspaceEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}

