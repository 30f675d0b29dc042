/**
 * The `playground/*` methods (docs/protocol.md) as typed calls, and the shapes of the server's
 * notifications. Thin: no state, no retries; a refusal rejects with the server's RpcError, whose
 * message is the one sentence to show.
 */

export type Role = "edit" | "view";

export interface PlaygroundInfo {
  readonly playground: string;
  readonly title: string;
  readonly created: number;
  readonly role: Role;
  readonly files: readonly string[];
}

export interface FileEntry {
  readonly path: string;
  readonly uri: string;
}

export interface FilesChanged {
  readonly playground: string;
  readonly seq: number;
  readonly kind: "create" | "rename" | "delete";
  readonly path: string;
  readonly newPath?: string;
}

export interface RunLimits {
  readonly timeout?: number;
  readonly memoryBytes?: number;
  readonly cpus?: number;
  readonly [name: string]: unknown;
}

export interface RunStarted {
  readonly runId: string;
  readonly limits?: RunLimits;
}

export interface RunStartedByOther {
  readonly runId: string;
  readonly playground: string;
  readonly entry: string;
}

export interface RunOutput {
  readonly runId: string;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

export interface RunDisplay {
  readonly runId: string;
  readonly mime: string;
  readonly data: string;
}

export interface RunStats {
  readonly runId: string;
  readonly memoryBytes: number;
  readonly cpuPercent: number;
  readonly elapsedMs: number;
  readonly warnings: readonly string[];
}

export interface RunQueue {
  readonly runId: string;
  readonly position: number;
}

export type ExitStatus = "ok" | "error" | "timeout" | "memory" | "output_limit" | "cancelled" | "signal";

export interface RunExit {
  readonly runId: string;
  readonly status: ExitStatus;
  readonly exitCode: number | null;
  readonly elapsedMs: number;
  readonly cpuMs: number;
  readonly maxMemoryBytes: number;
  readonly signal?: number | string;
  readonly message?: string;
}

/** One event of a run's agent trace (docs/trace.md): every field but `kind` and `timeMs` optional. */
export interface TraceEvent {
  readonly seq?: number;
  readonly timeMs: number;
  readonly kind: string;
  readonly span?: string;
  readonly parent?: string;
  readonly branch?: { readonly id: string; readonly name?: string | null };
  readonly operation?: string;
  readonly model?: string;
  readonly provider?: string;
  readonly answeredBy?: string;
  readonly tokensIn?: number;
  readonly tokensOut?: number;
  readonly durationMs?: number;
  readonly status?: string;
  readonly tool?: string;
  readonly content?: string;
  readonly contentSize?: number;
}

export interface RunTrace {
  readonly runId: string;
  readonly events: readonly TraceEvent[];
}

/** A recording of a run's model calls, for the page to save at `path` (beside the entry). */
export interface RunRecording {
  readonly runId: string;
  readonly path: string;
  readonly text: string;
}

/** What a shared run may carry besides its files: API keys (then network), and recording. */
export interface RunOptions {
  readonly keys?: Readonly<Record<string, string>>;
  readonly record?: boolean;
}

export interface Invitation {
  readonly invite: string;
  readonly id: string;
  readonly url: string;
}

/** Server notifications the page listens to, by method. */
export interface Notifications {
  "playground/output": RunOutput;
  "playground/display": RunDisplay;
  "playground/stats": RunStats;
  "playground/queue": RunQueue;
  "playground/exit": RunExit;
  "playground/runStarted": RunStartedByOther;
  "playground/trace": RunTrace;
  "playground/recording": RunRecording;
  "playground/files/changed": FilesChanged;
  "playground/collab/remoteOp": unknown;
  "playground/collab/presence": unknown;
}

interface Requester {
  request(method: string, params?: unknown): Promise<unknown>;
}

export class PlaygroundApi {
  constructor(private readonly rpc: Requester) {}

  async list(): Promise<PlaygroundInfo[]> {
    const answer = await this.rpc.request("playground/list", {});
    return Array.isArray(answer) ? (answer as PlaygroundInfo[]) : [];
  }

  create(title: string, files: Record<string, string>): Promise<{ playground: string; files: string[] }> {
    return this.rpc.request("playground/create", { title, files }) as Promise<{
      playground: string;
      files: string[];
    }>;
  }

  invite(playground: string, role: Role): Promise<Invitation> {
    return this.rpc.request("playground/invite", { playground, role }) as Promise<Invitation>;
  }

  async filesList(playground: string): Promise<FileEntry[]> {
    const answer = (await this.rpc.request("playground/files/list", { playground })) as {
      files?: FileEntry[];
    } | null;
    return answer?.files ?? [];
  }

  filesCreate(playground: string, path: string, text = ""): Promise<FilesChanged> {
    return this.rpc.request("playground/files/create", { playground, path, text }) as Promise<FilesChanged>;
  }

  filesRename(playground: string, path: string, newPath: string): Promise<FilesChanged> {
    return this.rpc.request("playground/files/rename", { playground, path, newPath }) as Promise<FilesChanged>;
  }

  filesDelete(playground: string, path: string): Promise<FilesChanged> {
    return this.rpc.request("playground/files/delete", { playground, path }) as Promise<FilesChanged>;
  }

  /**
   * A shared run: every member of the playground gets its notifications. With keys, the run
   * asks for the network too (the server grants it only when started with --allow-network).
   */
  run(playground: string, entry: string, options: RunOptions = {}): Promise<RunStarted> {
    const params: Record<string, unknown> = { playground, entry };
    if (options.keys !== undefined && Object.keys(options.keys).length > 0) {
      params.keys = options.keys;
      params.limits = { network: true };
      if (options.record === true) params.record = true;
    }
    return this.rpc.request("playground/run", params) as Promise<RunStarted>;
  }

  /** A run's whole trace as the server keeps it (what `playground/trace` sent, and more). */
  traceGet(runId: string): Promise<unknown> {
    return this.rpc.request("playground/trace/get", { runId });
  }

  /**
   * A private run of exactly these files (a lesson's check: the learner's files and the check's
   * own); stdin is given whole, so the program never waits for typing.
   */
  runFiles(files: Record<string, string>, entry: string, stdin: string): Promise<RunStarted> {
    return this.rpc.request("playground/run", { files, entry, stdin }) as Promise<RunStarted>;
  }

  async stdin(runId: string, text: string, eof = false): Promise<void> {
    await this.rpc.request("playground/stdin", eof ? { runId, text, eof } : { runId, text });
  }

  async cancel(runId: string): Promise<void> {
    await this.rpc.request("playground/cancel", { runId });
  }

  /** Raw access for methods that may not exist on this server yet (lessons). */
  call(method: string, params: unknown): Promise<unknown> {
    return this.rpc.request(method, params);
  }
}
