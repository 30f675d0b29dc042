/**
 * The local language server: `lionagi-playground lsp` over stdio for the Python files on this
 * machine. Starts it, says clearly when it is missing (with the install command) or when it
 * stopped, and starts it again on the Restart command or when its settings change.
 */

import * as vscode from "vscode";
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  State,
} from "vscode-languageclient/node";
import { type Channel, RUN_NOTIFICATIONS, describeError } from "../rpc";
import { serverCommand } from "../settings";
import { INSTALL_COMMAND, findExecutable } from "./executable";

export type ServerState = "starting" | "running" | "missing" | "failed" | "crashed" | "stopped";

export type NotificationSink = (channel: Channel, method: string, params: unknown) => void;

const RESTART = "Restart";
const SHOW_LOG = "Show Log";

export class LocalServer implements vscode.Disposable, Channel {
  readonly label = "the local server";
  private client: LanguageClient | null = null;
  private stateValue: ServerState = "stopped";
  /** Set while we stop the client ourselves: its close is not a crash. */
  private stopping = false;
  private starting: Promise<boolean> | null = null;
  private readonly stateChanged = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.stateChanged.event;

  constructor(
    private readonly output: vscode.LogOutputChannel,
    private readonly sink: NotificationSink,
  ) {}

  get state(): ServerState {
    return this.stateValue;
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  async request(method: string, params: unknown): Promise<unknown> {
    const client = this.client;
    if (client === null || client.state !== State.Running) {
      throw new Error(`the lionagi Playground language server is not running (${this.stateValue})`);
    }
    return client.sendRequest(method, params);
  }

  /** Starts the server; a start already under way is waited for, not repeated. */
  start(): Promise<boolean> {
    this.starting ??= this.startOnce().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  private async startOnce(): Promise<boolean> {
    if (this.client !== null) return this.running;
    const { command, args } = serverCommand();
    const executable = findExecutable(command);
    if (executable === null) {
      this.setState("missing");
      this.output.error(`${command} was not found on PATH (${process.env.PATH ?? ""})`);
      void this.reportMissing(command);
      return false;
    }
    this.setState("starting");
    this.output.info(`starting ${executable} ${args.join(" ")}`);
    const client = new LanguageClient(
      "lionagiPlayground",
      "lionagi Playground",
      this.serverOptions(executable, args),
      this.clientOptions(),
    );
    for (const method of RUN_NOTIFICATIONS) {
      client.onNotification(method, (params: unknown) => this.sink(this, method, params));
    }
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      this.output.error(`the language server did not start: ${describeError(error)}`);
      if (this.client === client) {
        this.client = null;
        this.setState("failed");
        await this.disposeQuietly(client);
        void this.offerRestart(
          `lionagi Playground: the language server (${command}) did not start: ${describeError(error)}`,
        );
      }
      return false;
    }
    this.setState("running");
    return true;
  }

  /** Starts the server the first time it is needed (a Python file, a run, a lesson). */
  async ensureStarted(): Promise<boolean> {
    if (this.starting !== null) return this.starting;
    if (this.stateValue === "stopped" && this.client === null) return this.start();
    return this.running;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client === null) return;
    this.stopping = true;
    try {
      await this.disposeQuietly(client);
    } finally {
      this.stopping = false;
      this.setState("stopped");
    }
  }

  async restart(): Promise<boolean> {
    await this.starting;
    await this.stop();
    return this.start();
  }

  dispose(): void {
    void this.stop();
    this.stateChanged.dispose();
  }

  private serverOptions(executable: string, args: readonly string[]): ServerOptions {
    return { command: executable, args: [...args], options: { env: process.env } };
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: [
        { scheme: "file", language: "python" },
        { scheme: "untitled", language: "python" },
      ],
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        closed: () => this.closed(),
      },
      initializationFailedHandler: (error: unknown) => {
        this.output.error(`initialize failed: ${describeError(error)}`);
        return false;
      },
    };
  }

  /** The server's process ended (or its pipes closed) without our asking. */
  private closed(): CloseHandlerResult {
    const crashed = !this.stopping && this.stateValue === "running";
    if (crashed) {
      this.output.error("the language server stopped unexpectedly");
      this.setState("crashed");
      void this.offerRestart(
        "lionagi Playground: the language server stopped unexpectedly. Diagnostics, completion and runs are off until it restarts.",
      );
    }
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  private async reportMissing(command: string): Promise<void> {
    const copy = "Copy Install Command";
    const settings = "Open Settings";
    const choice = await vscode.window.showErrorMessage(
      `lionagi Playground: the language server \`${command}\` was not found. Install it with \`${INSTALL_COMMAND}\`, ` +
        "or set lionagiPlayground.server.path to where it is, then restart it.",
      copy,
      settings,
      RESTART,
    );
    if (choice === copy) {
      await vscode.env.clipboard.writeText(INSTALL_COMMAND);
    } else if (choice === settings) {
      await vscode.commands.executeCommand("workbench.action.openSettings", "lionagiPlayground.server");
    } else if (choice === RESTART) {
      await vscode.commands.executeCommand("lionagiPlayground.restartServer");
    }
  }

  private async offerRestart(message: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(message, RESTART, SHOW_LOG);
    if (choice === RESTART) await vscode.commands.executeCommand("lionagiPlayground.restartServer");
    else if (choice === SHOW_LOG) this.output.show(true);
  }

  private async disposeQuietly(client: LanguageClient): Promise<void> {
    try {
      await client.dispose(2000);
    } catch (error) {
      this.output.warn(`stopping the language server: ${describeError(error)}`);
    }
  }

  private setState(state: ServerState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.stateChanged.fire(state);
  }
}
