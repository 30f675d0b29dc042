/** The status bar item: the server's state when idle, a run's state and usage while it runs. */

import * as vscode from "vscode";
import { type ExitStatus, formatBytes, formatSeconds } from "../rpc";
import type { ServerState } from "../server/local";

const EXIT_TEXT: Record<ExitStatus, string> = {
  ok: "finished",
  error: "failed",
  timeout: "timed out",
  memory: "out of memory",
  output_limit: "too much output",
  cancelled: "stopped",
  signal: "killed",
};

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem("lionagiPlayground.status", vscode.StatusBarAlignment.Left, 10);
  private server: ServerState = "stopped";
  private running = false;

  constructor() {
    this.item.name = "lionagi Playground";
    this.idle("$(play) lionagi", "Run the current file (Ctrl+Enter)");
    this.item.show();
  }

  serverState(state: ServerState): void {
    this.server = state;
    if (this.running) return;
    const text: Partial<Record<ServerState, [string, string]>> = {
      missing: ["$(error) lionagi: server not found", "The lionagi-playground command was not found: click to restart after installing it"],
      crashed: ["$(error) lionagi: server stopped", "The language server stopped: click to restart it"],
      failed: ["$(error) lionagi: server failed", "The language server did not start: click to restart it"],
      starting: ["$(sync~spin) lionagi", "Starting the language server"],
    };
    const shown = text[state];
    if (shown) {
      this.item.text = shown[0];
      this.item.tooltip = shown[1];
      this.item.command = "lionagiPlayground.restartServer";
    } else {
      this.idle("$(play) lionagi", "Run the current file (Ctrl+Enter)");
    }
  }

  queued(position: number): void {
    this.busy(`$(watch) lionagi: queued (#${position})`);
  }

  started(what: string): void {
    this.running = true;
    this.busy(`$(sync~spin) lionagi: running ${what}`);
  }

  usage(elapsedMs: number, memoryBytes: number, cpuPercent: number, warnings: readonly string[]): void {
    const warn = warnings.length > 0 ? "$(warning) " : "";
    this.busy(
      `$(sync~spin) lionagi: running ${warn}${formatSeconds(elapsedMs)} · ${formatBytes(memoryBytes)} · ${Math.round(cpuPercent)}% CPU`,
      warnings.join("\n"),
    );
  }

  exited(status: ExitStatus, elapsedMs: number, maxMemoryBytes: number): void {
    this.running = false;
    const icon = status === "ok" ? "$(check)" : status === "cancelled" ? "$(debug-stop)" : "$(error)";
    this.idle(
      `${icon} lionagi: ${EXIT_TEXT[status]} · ${formatSeconds(elapsedMs)} · ${formatBytes(maxMemoryBytes)}`,
      "The last run; click to run the current file again",
    );
    if (this.server !== "running") this.serverState(this.server);
  }

  dispose(): void {
    this.item.dispose();
  }

  private busy(text: string, tooltip = "Click to stop the run"): void {
    this.item.text = text;
    this.item.tooltip = tooltip || "Click to stop the run";
    this.item.command = "lionagiPlayground.stop";
  }

  private idle(text: string, tooltip: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = "lionagiPlayground.run";
  }
}
