/**
 * The agent trace's events (docs/trace.md, Event schema): their wire shape, a lenient reading
 * of a `playground/trace` batch, and the words and numbers shown for one.
 */

import { isRecord } from "../rpc";

export const KINDS = [
  "system",
  "instruction",
  "assistant",
  "action_request",
  "action_response",
  "operation_start",
  "operation_end",
  "model_start",
  "model_end",
  "tool_start",
  "tool_end",
  "error",
  "truncated",
] as const;

export type TraceKind = (typeof KINDS)[number];

export interface TraceBranch {
  readonly id: string;
  readonly name: string | null;
}

export interface TraceEvent {
  readonly seq?: number;
  readonly timeMs: number;
  readonly kind: TraceKind;
  readonly span?: string;
  readonly parent?: string;
  readonly branch?: TraceBranch;
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

const KNOWN = new Set<string>(KINDS);

/** The events of a batch (or of `playground/trace/get`'s answer) that have the schema's shape. */
export function readEvents(value: unknown): TraceEvent[] {
  const list = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value.events) ? value.events : [];
  return list.filter(isEvent);
}

function isEvent(value: unknown): value is TraceEvent {
  if (!isRecord(value)) return false;
  if (typeof value.kind !== "string" || !KNOWN.has(value.kind) || typeof value.timeMs !== "number") return false;
  const branch = value.branch;
  if (branch !== undefined && !(isRecord(branch) && typeof branch.id === "string")) return false;
  return true;
}

/** `1.5 ms`, `820 ms`, `2.31 s`. */
export function formatDuration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 60_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms / 1000)} s`;
}

/** `21 → 9 tokens` (in → out), or "" when the event knows neither. */
export function formatTokens(tokensIn: number | undefined, tokensOut: number | undefined): string {
  if (tokensIn === undefined && tokensOut === undefined) return "";
  return `${tokensIn ?? "?"} → ${tokensOut ?? "?"} tokens`;
}

export function branchLabel(branch: TraceBranch | undefined): string {
  if (branch === undefined) return "(no branch)";
  const short = branch.id.slice(0, 8);
  return branch.name ? `${branch.name} (${short})` : `Branch ${short}`;
}

/** The first line of a text, cut to `width` characters. */
export function preview(text: string | undefined, width = 80): string {
  if (!text) return "";
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** A message's role as a person reads it. */
export const MESSAGE_LABEL: Partial<Record<TraceKind, string>> = {
  system: "system",
  instruction: "instruction",
  assistant: "assistant",
  action_request: "action request",
  action_response: "action response",
  error: "error",
  truncated: "truncated",
};

/** The whole content of an event, as a document shows it: JSON indented, and a note when cut. */
export function fullContent(event: TraceEvent): string {
  const text = event.content ?? "";
  let shown = text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null) shown = JSON.stringify(parsed, null, 2);
  } catch {
    // Not JSON: the text as it is.
  }
  const size = event.contentSize ?? text.length;
  return size > text.length ? `${shown}\n\n… (the trace keeps ${text.length} of ${size} characters)\n` : `${shown}\n`;
}
