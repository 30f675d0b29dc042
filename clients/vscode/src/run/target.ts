/**
 * What Run runs: the active editor's file on the local server (`{uri}`, its folder with open
 * buffers winning; `{files}` for an unsaved buffer the server does not see), or, for a file of
 * a joined playground, a shared run (`{playground, entry}`) that every member watches.
 */

import * as path from "node:path";
import * as vscode from "vscode";
import type { Channel } from "../rpc";
import { type RunLimits, runLimits } from "../settings";
import type { RunOrigin } from "../trace/recording";

export interface SharedFileLocation {
  readonly channel: Channel;
  readonly playground: string;
  readonly path: string;
}

export interface RunTarget {
  readonly channel: Channel;
  readonly params: Record<string, unknown>;
  readonly title: string;
  /** A file of this machine (a recording goes beside it), or text with no folder. */
  readonly origin: RunOrigin;
  /** True for a shared run: everyone in the playground watches it (no API keys go there). */
  readonly shared: boolean;
}

export interface Targets {
  readonly local: Channel & { readonly running: boolean };
  shared(uri: vscode.Uri): SharedFileLocation | null;
}

/** The run for `document`, or null with the reason already shown. */
export async function runTarget(
  document: vscode.TextDocument,
  targets: Targets,
  limits: RunLimits = runLimits(),
): Promise<RunTarget | null> {
  const wire = { timeout: limits.timeout, memoryMb: limits.memoryMb };
  if (document.uri.scheme === "playground") {
    const shared = targets.shared(document.uri);
    if (shared === null) {
      void vscode.window.showErrorMessage("lionagi Playground: this playground is not joined; run Join Playground first.");
      return null;
    }
    return {
      channel: shared.channel,
      params: { playground: shared.playground, entry: shared.path, limits: wire },
      title: shared.path,
      origin: { kind: "text" },
      shared: true,
    };
  }
  if (!targets.local.running) {
    const choice = await vscode.window.showErrorMessage(
      "lionagi Playground: the language server is not running, so nothing can run.",
      "Restart",
    );
    if (choice === "Restart") await vscode.commands.executeCommand("lionagiPlayground.restartServer");
    return null;
  }
  const title = path.basename(document.uri.path) || "untitled";
  const synced = document.languageId === "python";
  if (document.uri.scheme === "file") {
    // The server reads the folder from disk; only Python buffers reach it unsaved.
    if (!synced && document.isDirty && !(await document.save())) return null;
    return {
      channel: targets.local,
      params: { uri: document.uri.toString(), limits: wire },
      title,
      origin: { kind: "file", uri: document.uri },
      shared: false,
    };
  }
  const name = safeName(title, document.languageId);
  return {
    channel: targets.local,
    params: { files: { [name]: document.getText() }, entry: name, limits: wire },
    title,
    origin: { kind: "text" },
    shared: false,
  };
}

const EXTENSIONS: Record<string, string> = { python: ".py", javascript: ".js", shellscript: ".sh" };

function safeName(title: string, languageId: string): string {
  const base = title.replace(/[^A-Za-z0-9._-]/g, "_") || "main";
  const extension = EXTENSIONS[languageId] ?? ".py";
  return base.includes(".") ? base : `${base}${extension}`;
}

/** Asks for a timeout and a memory limit, starting from the settings. */
export async function askLimits(): Promise<RunLimits | null> {
  const defaults = runLimits();
  const timeout = await vscode.window.showInputBox({
    title: "Run with limits (1/2)",
    prompt: "Timeout in seconds (wall clock; the server allows 0.1 to 300)",
    value: String(defaults.timeout),
    validateInput: (v) => checkNumber(v, 0.1, 300, "seconds"),
  });
  if (timeout === undefined) return null;
  const memory = await vscode.window.showInputBox({
    title: "Run with limits (2/2)",
    prompt: "Memory in MiB (the server allows 16 to 2048)",
    value: String(defaults.memoryMb),
    validateInput: (v) => checkNumber(v, 16, 2048, "MiB"),
  });
  if (memory === undefined) return null;
  return { timeout: Number(timeout), memoryMb: Number(memory) };
}

function checkNumber(value: string, least: number, most: number, unit: string): string | null {
  const n = Number(value.trim());
  if (value.trim() === "" || !Number.isFinite(n)) return "A number, please";
  if (n < least || n > most) return `Between ${least} and ${most} ${unit}`;
  return null;
}
