/**
 * Runs: starts them on a channel (the local server or a joined playground), follows each by its
 * runId through playground/output, display, stats, queue, trace, recording and exit, and shows
 * them in the run terminal, the Figures panel, the lionagi Trace view and the status bar. Stdin
 * typed in the terminal goes to the current run; Stop cancels it.
 */

import * as vscode from "vscode";
import {
  type Channel,
  type RunAnswer,
  type RunDisplay,
  type RunExit,
  type RunOutput,
  type RunQueue,
  type RunRecording,
  type RunStartedByOther,
  type RunStats,
  describeError,
  formatBytes,
  formatSeconds,
  isRecord,
} from "../rpc";
import { showFigures } from "../settings";
import { type RunOrigin, saveRecording } from "../trace/recording";
import type { TraceView } from "../trace/view";
import { FiguresPanel } from "./figures";
import { StatusBar } from "./status";
import { RunTerminal } from "./terminal";

export interface RunResult {
  readonly exit: RunExit;
  readonly stdout: string;
  readonly stderr: string;
  readonly displays: readonly string[];
}

class Run {
  stdout = "";
  stderr = "";
  readonly displays: string[] = [];
  ended = false;
  readonly done: Promise<RunResult>;
  finish!: (result: RunResult) => void;

  constructor(
    readonly runId: string,
    readonly channel: Channel,
    readonly title: string,
    /** Where this client started it from; null for a run someone else started. */
    readonly origin: RunOrigin | null,
  ) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }
}

const STATUS_COLOUR: Record<string, string> = { ok: "32", cancelled: "33" };

export class RunController implements vscode.Disposable {
  readonly terminal: RunTerminal;
  readonly status = new StatusBar();
  private readonly figures = new FiguresPanel();
  private readonly runs = new Map<string, Run>();
  private current: Run | null = null;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly trace: TraceView,
  ) {
    this.terminal = new RunTerminal({
      line: (text, eof) => void this.sendInput(text, eof),
      interrupt: () => void this.stop(),
      accepting: () => this.current !== null && !this.current.ended,
    });
  }

  /** Starts a run; resolves once the server accepted it (null if it refused, already said). */
  async start(
    channel: Channel,
    params: Record<string, unknown>,
    title: string,
    origin: RunOrigin = { kind: "text" },
  ): Promise<Run | null> {
    this.terminal.show(true);
    this.terminal.resetInput();
    let answer: RunAnswer;
    try {
      answer = parseAnswer(await channel.request("playground/run", params));
    } catch (error) {
      const message = describeError(error);
      this.terminal.note(`Could not run ${title}: ${message}`, "31");
      void vscode.window.showErrorMessage(`lionagi Playground: could not run ${title}: ${message}`);
      return null;
    }
    const run = this.adopt(answer.runId, channel, title, origin);
    const limits = answer.limits;
    const model = params.keys === undefined ? "" : params.record === true ? ", real model, recording" : ", real model";
    const detail =
      limits?.timeout !== undefined && limits.memoryBytes !== undefined
        ? ` (limits: ${limits.timeout} s, ${formatBytes(limits.memoryBytes)}${model})`
        : model
          ? ` (${model.slice(2)})`
          : "";
    this.terminal.note(`▶ ${title}${detail}`, "36");
    return run;
  }

  /** A run's whole result, for a lesson's check. */
  async result(run: Run): Promise<RunResult> {
    return run.done;
  }

  async stop(): Promise<void> {
    const run = this.current;
    if (run === null || run.ended) return;
    try {
      await run.channel.request("playground/cancel", { runId: run.runId });
    } catch (error) {
      this.log.warn(`cancel ${run.runId}: ${describeError(error)}`);
    }
  }

  /** A notification from `channel`; runs of other channels are not touched. */
  notification(channel: Channel, method: string, params: unknown): void {
    if (!isRecord(params) || typeof params.runId !== "string") return;
    if (method === "playground/runStarted") {
      const p = params as unknown as RunStartedByOther;
      if (this.runs.has(p.runId)) return;
      this.terminal.show(true);
      this.terminal.note(`▶ ${p.entry} (started by someone else in the playground)`, "36");
      this.adopt(p.runId, channel, p.entry, null);
      return;
    }
    if (method === "playground/trace") {
      this.trace.add(params.runId, params.events);
      return;
    }
    const run = this.runs.get(params.runId);
    if (run === undefined || run.channel !== channel) return;
    switch (method) {
      case "playground/output":
        return this.output(run, params as unknown as RunOutput);
      case "playground/display":
        return this.display(run, params as unknown as RunDisplay);
      case "playground/stats":
        return this.stats(run, params as unknown as RunStats);
      case "playground/queue":
        if (run === this.current) this.status.queued((params as unknown as RunQueue).position);
        return;
      case "playground/recording":
        return this.recording(run, params as unknown as RunRecording);
      case "playground/exit":
        return this.exit(run, params as unknown as RunExit);
      default:
        return;
    }
  }

  /** The channel closed: its runs cannot report any more. */
  channelLost(channel: Channel): void {
    for (const run of [...this.runs.values()]) {
      if (run.channel !== channel) continue;
      this.exit(run, {
        runId: run.runId,
        status: "cancelled",
        exitCode: null,
        elapsedMs: 0,
        cpuMs: 0,
        maxMemoryBytes: 0,
        message: `the connection to ${channel.label} closed`,
      });
    }
  }

  dispose(): void {
    this.terminal.dispose();
    this.status.dispose();
    this.figures.dispose();
  }

  private adopt(runId: string, channel: Channel, title: string, origin: RunOrigin | null): Run {
    const run = new Run(runId, channel, title, origin);
    this.trace.begin({ runId, title, channel, file: origin?.kind === "file" ? origin.uri : undefined });
    this.runs.set(runId, run);
    this.current = run;
    this.status.started(title);
    void vscode.commands.executeCommand("setContext", "lionagiPlayground.running", true);
    return run;
  }

  private output(run: Run, p: RunOutput): void {
    if (typeof p.text !== "string") return;
    if (p.stream === "stderr") {
      run.stderr += p.text;
      this.terminal.write(`\x1b[31m${p.text}\x1b[0m`);
    } else {
      run.stdout += p.text;
      this.terminal.write(p.text);
    }
  }

  private display(run: Run, p: RunDisplay): void {
    run.displays.push(p.mime);
    this.terminal.note(`[${p.mime} shown in the Figures panel]`);
    if (showFigures()) this.figures.show(p.mime, p.data, `${run.title}, figure ${run.displays.length}`);
  }

  private stats(run: Run, p: RunStats): void {
    if (run !== this.current || run.ended) return;
    this.status.usage(p.elapsedMs, p.memoryBytes, p.cpuPercent, p.warnings ?? []);
  }

  private recording(run: Run, p: RunRecording): void {
    // A run someone else started in a shared playground is theirs to save.
    if (run.origin === null || typeof p.path !== "string" || typeof p.text !== "string") return;
    this.terminal.note(`[the model's answers recorded: ${p.path}]`);
    saveRecording(run.origin, run.title, p).catch((error: unknown) => {
      void vscode.window.showErrorMessage(`lionagi Playground: could not save ${p.path}: ${describeError(error)}`);
    });
  }

  private exit(run: Run, p: RunExit): void {
    if (run.ended) return;
    run.ended = true;
    this.trace.ended(run.runId);
    this.runs.delete(run.runId);
    const code = p.exitCode === null ? "" : `, exit code ${p.exitCode}`;
    const why = p.message ? `: ${p.message}` : "";
    const usage = `${formatSeconds(p.elapsedMs)}, ${formatBytes(p.maxMemoryBytes)}`;
    this.terminal.note(`■ ${run.title}: ${p.status}${code}${why} (${usage})`, STATUS_COLOUR[p.status] ?? "31");
    if (run === this.current) {
      this.current = null;
      this.status.exited(p.status, p.elapsedMs, p.maxMemoryBytes);
      void vscode.commands.executeCommand("setContext", "lionagiPlayground.running", false);
    }
    run.finish({ exit: p, stdout: run.stdout, stderr: run.stderr, displays: run.displays });
  }

  private async sendInput(text: string, eof: boolean): Promise<void> {
    const run = this.current;
    if (run === null || run.ended) return;
    try {
      await run.channel.request("playground/stdin", eof ? { runId: run.runId, text, eof } : { runId: run.runId, text });
    } catch (error) {
      this.log.warn(`stdin ${run.runId}: ${describeError(error)}`);
    }
  }
}

export type { Run };

function parseAnswer(value: unknown): RunAnswer {
  if (!isRecord(value) || typeof value.runId !== "string") {
    throw new Error(`the server's answer has no runId: ${JSON.stringify(value)}`);
  }
  return value as unknown as RunAnswer;
}
