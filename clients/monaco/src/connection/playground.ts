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

  /** A shared run: every member of the playground gets its notifications. */
  run(playground: string, entry: string): Promise<RunStarted> {
    return this.rpc.request("playground/run", { playground, entry }) as Promise<RunStarted>;
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
