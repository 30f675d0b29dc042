/**
 * The `playground/*` wire shapes the extension uses (docs/protocol.md), and the one narrow
 * interface every feature talks through: a JSON-RPC channel to a server (the local stdio
 * server, or a playground joined over WebSocket).
 */

export interface Channel {
  /** Where runs go, for messages: "local server", "playground 'Demo'". */
  readonly label: string;
  request(method: string, params: unknown): Promise<unknown>;
}

export const RUN_NOTIFICATIONS = [
  "playground/output",
  "playground/display",
  "playground/stats",
  "playground/queue",
  "playground/exit",
  "playground/runStarted",
  "playground/trace",
  "playground/recording",
] as const;

export interface RunAnswer {
  readonly runId: string;
  readonly limits?: { readonly timeout?: number; readonly memoryBytes?: number };
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
  readonly warnings?: readonly string[];
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

/** `playground/recording`: a run's recorded model answers, to save at `path` beside its entry. */
export interface RunRecording {
  readonly runId: string;
  readonly path: string;
  readonly text: string;
}

export interface RunStartedByOther {
  readonly runId: string;
  readonly playground: string;
  readonly entry: string;
}

/** The server's one sentence for a refusal (a JSON-RPC error's message), or the error's text. */
export function describeError(error: unknown): string {
  if (typeof error === "object" && error !== null && "message" in error) {
    const message = (error as { message: unknown }).message;
    if (typeof message === "string" && message) return message;
  }
  return String(error);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 * 1024) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / 1024 ** 2)} MiB`;
  return `${Math.max(0, Math.round(bytes / 1024))} KiB`;
}

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
