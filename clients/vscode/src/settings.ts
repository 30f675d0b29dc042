/** The extension's settings (`lionagiPlayground.*` in package.json), read when needed. */

import * as os from "node:os";
import * as vscode from "vscode";

export const SECTION = "lionagiPlayground";

export interface ServerCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface RunLimits {
  readonly timeout: number;
  readonly memoryMb: number;
}

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/** How to start the language server: `server.path` with `server.args`. */
export function serverCommand(): ServerCommand {
  const command = settings().get<string>("server.path", "lionagi-playground").trim();
  const args = settings().get<string[]>("server.args", ["lsp"]);
  return { command: command || "lionagi-playground", args: args.filter((a) => typeof a === "string") };
}

export function runLimits(): RunLimits {
  return {
    timeout: settings().get<number>("run.timeout", 30),
    memoryMb: settings().get<number>("run.memoryMb", 512),
  };
}

export function showFigures(): boolean {
  return settings().get<boolean>("run.showFigures", true);
}

/** Record the model's answers of a run made with an API key (docs/trace.md, Recording). */
export function recordRuns(): boolean {
  return settings().get<boolean>("run.record", false);
}

/** Show the lionagi Trace view when a run's first trace event arrives. */
export function revealTrace(): boolean {
  return settings().get<boolean>("traceView.reveal", true);
}

export function collaboratorName(): string {
  const name = settings().get<string>("collab.name", "").trim();
  if (name) return name.slice(0, 200);
  try {
    return os.userInfo().username || "VS Code";
  } catch {
    return "VS Code";
  }
}

export function lessonsFolder(): string {
  return settings().get<string>("lessons.folder", "").trim();
}

/** True when the change touches how the server is started. */
export function affectsServer(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SECTION}.server`);
}
