/**
 * A playground joined with an invitation link: one WebSocket to `lionagi-playground serve`
 * carrying both LSP (diagnostics and completion for the shared Python files, through
 * vscode-languageclient) and the `playground/*` methods. Its files are SharedDocuments under
 * `playground:/<id>/<path>`; the connection comes back by itself after a drop, and every file
 * catches up from its last revision.
 */

import * as vscode from "vscode";
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
} from "vscode-languageclient/node";
import { type Connection, diff } from "../../../shared/ot/src/index";
import { type Channel, RUN_NOTIFICATIONS, describeError, isRecord } from "../rpc";
import { collaboratorName } from "../settings";
import { CursorDecorations } from "./cursors";
import { SCHEME } from "./filesystem";
import { type Invitation, parseInvitation } from "./invitation";
import { SharedDocument } from "./shared-document";
import { openSocket, socketTransports } from "./socket";

export interface PlaygroundHooks {
  readonly log: vscode.LogOutputChannel;
  /** A run notification from this playground's connection. */
  notification(channel: Channel, method: string, params: unknown): void;
  /** The connection dropped: runs it carried cannot report any more. */
  channelLost(channel: Channel): void;
  filesChanged(events: vscode.FileChangeEvent[]): void;
}

interface PlaygroundInfo {
  readonly playground: string;
  readonly title: string;
  readonly role: string;
  readonly files: readonly string[];
}

const RETRY_MS = [500, 1000, 2000, 4000, 8000];

export class JoinedPlayground implements vscode.Disposable, Channel {
  id = "";
  title = "";
  role = "view";
  private readonly client: LanguageClient;
  private readonly files = new Map<string, SharedDocument>();
  private readonly cursors = new CursorDecorations();
  private readonly people = vscode.window.createStatusBarItem("lionagiPlayground.people", vscode.StatusBarAlignment.Left, 9);
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly name = collaboratorName();
  private leaving = false;
  private retries = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly invitation: Invitation,
    private readonly hooks: PlaygroundHooks,
  ) {
    this.client = new LanguageClient(
      "lionagiPlaygroundShared",
      `lionagi Playground (${invitation.where})`,
      async () => socketTransports(await openSocket(invitation.socket)),
      {
        documentSelector: [{ scheme: SCHEME, language: "python" }],
        outputChannel: hooks.log,
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        errorHandler: {
          error: () => ({ action: ErrorAction.Continue, handled: true }),
          closed: () => this.closed(),
        },
        initializationFailedHandler: () => false,
      },
    );
    for (const method of RUN_NOTIFICATIONS) {
      this.client.onNotification(method, (params: unknown) => hooks.notification(this, method, params));
    }
    this.client.onNotification("playground/collab/remoteOp", (p: unknown) => this.toFile("playground/collab/remoteOp", p));
    this.client.onNotification("playground/collab/presence", (p: unknown) => this.toFile("playground/collab/presence", p));
    this.client.onNotification("playground/files/changed", (p: unknown) => this.fileEvent(p));
  }

  /** Connects with the link, picks the playground it reaches (asking when several). */
  static async join(link: string, hooks: PlaygroundHooks): Promise<JoinedPlayground | null> {
    const joined = new JoinedPlayground(parseInvitation(link), hooks);
    try {
      await joined.client.start();
      const list = await joined.request("playground/list", {});
      const reachable = Array.isArray(list) ? (list as PlaygroundInfo[]) : [];
      const chosen = await choose(reachable);
      if (chosen === null) {
        joined.dispose();
        return null;
      }
      joined.id = chosen.playground;
      joined.title = chosen.title;
      joined.role = chosen.role;
      await joined.listFiles();
      joined.watchEditors();
      joined.updatePeople();
      return joined;
    } catch (error) {
      joined.dispose();
      throw error;
    }
  }

  get label(): string {
    return `the playground "${this.title}"`;
  }

  get canEdit(): boolean {
    return this.role === "edit";
  }

  request(method: string, params: unknown): Promise<unknown> {
    return this.client.sendRequest(method, params);
  }

  uri(path: string): vscode.Uri {
    return vscode.Uri.from({ scheme: SCHEME, path: `/${this.id}/${path}` });
  }

  /** The path of a file of this playground from its URI, or null when it is not one. */
  pathOf(uri: vscode.Uri): string | null {
    const prefix = `/${this.id}/`;
    return uri.scheme === SCHEME && uri.path.startsWith(prefix) ? uri.path.slice(prefix.length) : null;
  }

  file(path: string): SharedDocument | null {
    return this.files.get(path) ?? null;
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  isFolder(path: string): boolean {
    return this.paths().some((p) => p.startsWith(`${path}/`));
  }

  children(folder: string): [string, vscode.FileType][] {
    const prefix = folder === "" ? "" : `${folder}/`;
    const seen = new Map<string, vscode.FileType>();
    for (const path of this.paths()) {
      if (!path.startsWith(prefix)) continue;
      const [head, ...rest] = path.slice(prefix.length).split("/");
      if (head) seen.set(head, rest.length > 0 ? vscode.FileType.Directory : vscode.FileType.File);
    }
    return [...seen];
  }

  /** Opens the shared files as editors, the entry (main.py, else the first) last and focused. */
  async openEditors(limit = 8): Promise<void> {
    const paths = this.paths();
    const entry = paths.includes("main.py") ? "main.py" : paths[0];
    const others = paths.filter((p) => p !== entry).slice(0, limit - 1);
    for (const path of others) {
      await vscode.window.showTextDocument(this.uri(path), { preview: false, preserveFocus: true });
    }
    if (entry !== undefined) await vscode.window.showTextDocument(this.uri(entry), { preview: false });
  }

  async createFile(path: string, text: string): Promise<void> {
    await this.request("playground/files/create", { playground: this.id, path, text });
    this.addFile(path);
  }

  async deleteFile(path: string): Promise<void> {
    await this.request("playground/files/delete", { playground: this.id, path });
    this.removeFile(path);
  }

  async renameFile(path: string, newPath: string): Promise<void> {
    await this.request("playground/files/rename", { playground: this.id, path, newPath });
    this.removeFile(path);
    this.addFile(newPath);
  }

  /** A write of a file not open in an editor: the whole text, as one edit. */
  async replaceText(file: SharedDocument, text: string): Promise<void> {
    file.session.edit(diff(file.session.text, text));
  }

  participantNames(): string[] {
    const names = new Map<string, string>();
    for (const file of this.files.values()) {
      for (const p of file.session.participants) names.set(p.clientId, p.name);
    }
    return [...names.values()];
  }

  async leave(): Promise<void> {
    this.leaving = true;
    clearTimeout(this.retryTimer);
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.scheme === SCHEME);
    await vscode.window.tabGroups.close(tabs).then(undefined, () => false);
    for (const file of this.files.values()) file.dispose();
    this.files.clear();
    try {
      await this.client.stop(2000);
    } catch (error) {
      this.hooks.log.warn(`leaving: ${describeError(error)}`);
    }
    this.dispose();
  }

  dispose(): void {
    this.leaving = true;
    clearTimeout(this.retryTimer);
    for (const s of this.subscriptions) s.dispose();
    this.cursors.dispose();
    this.people.dispose();
    void this.client.dispose(1000).catch(() => undefined);
  }

  // --- files -------------------------------------------------------------------------------

  private async listFiles(): Promise<void> {
    const answer = await this.request("playground/files/list", { playground: this.id });
    const files = isRecord(answer) && Array.isArray(answer.files) ? answer.files : [];
    for (const entry of files) {
      if (isRecord(entry) && typeof entry.path === "string") this.addFile(entry.path);
    }
  }

  private addFile(path: string): SharedDocument {
    const existing = this.files.get(path);
    if (existing !== undefined) return existing;
    const connection: Connection = {
      request: (method, params) => this.client.sendRequest(method, params),
      notify: (method, params) => {
        this.client.sendNotification(method, params).catch((error: unknown) => {
          this.hooks.log.debug(`${method}: ${describeError(error)}`);
        });
      },
    };
    const file = new SharedDocument(this.uri(path), path, this.id, this.name, connection, {
      presence: (f) => this.presence(f),
      problem: (message) => void vscode.window.showWarningMessage(`lionagi Playground: ${message}`),
      log: (message) => this.hooks.log.info(message),
    });
    this.files.set(path, file);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.uri.toString());
    if (open !== undefined) void file.ready().then(() => file.attach(open));
    return file;
  }

  private removeFile(path: string): void {
    const file = this.files.get(path);
    if (file === undefined) return;
    file.session.connectionLost(); // nothing left to leave on the server
    file.detach();
    this.files.delete(path);
  }

  private fileEvent(params: unknown): void {
    if (!isRecord(params) || params.playground !== this.id || typeof params.path !== "string") return;
    const path = params.path;
    const events: vscode.FileChangeEvent[] = [];
    if (params.kind === "create") {
      this.addFile(path);
      events.push({ type: vscode.FileChangeType.Created, uri: this.uri(path) });
    } else if (params.kind === "delete") {
      this.removeFile(path);
      events.push({ type: vscode.FileChangeType.Deleted, uri: this.uri(path) });
    } else if (params.kind === "rename" && typeof params.newPath === "string") {
      this.removeFile(path);
      this.addFile(params.newPath);
      events.push(
        { type: vscode.FileChangeType.Deleted, uri: this.uri(path) },
        { type: vscode.FileChangeType.Created, uri: this.uri(params.newPath) },
      );
    }
    this.hooks.filesChanged(events);
  }

  private toFile(method: string, params: unknown): void {
    if (!isRecord(params) || params.playground !== this.id || typeof params.path !== "string") return;
    this.files.get(params.path)?.session.handleNotification(method, params);
  }

  // --- editors -----------------------------------------------------------------------------

  private watchEditors(): void {
    const mine = (uri: vscode.Uri) => {
      const path = this.pathOf(uri);
      return path === null ? undefined : this.files.get(path);
    };
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((d) => {
        const file = mine(d.uri);
        if (file !== undefined) void file.ready().then(() => file.attach(d));
      }),
      vscode.workspace.onDidCloseTextDocument((d) => mine(d.uri)?.detach()),
      vscode.workspace.onDidChangeTextDocument((e) => mine(e.document.uri)?.documentChanged(e)),
      vscode.window.onDidChangeTextEditorSelection((e) => mine(e.textEditor.document.uri)?.selectionsChanged(e.selections)),
      vscode.window.onDidChangeVisibleTextEditors((editors) => {
        for (const editor of editors) {
          const file = mine(editor.document.uri);
          if (file !== undefined) this.presence(file);
        }
      }),
    );
  }

  private presence(file: SharedDocument): void {
    const document = file.attached;
    if (document !== null && file.inStep) this.cursors.render(document, file.session.remoteCursors());
    this.updatePeople();
  }

  private updatePeople(): void {
    const names = this.participantNames();
    this.people.text = `$(organization) ${this.title}: ${names.length}`;
    this.people.tooltip = `In the playground "${this.title}" (${this.role === "edit" ? "you can edit" : "view only"}): ${names.join(", ") || "nobody yet"}`;
    this.people.command = "lionagiPlayground.openSharedFile";
    this.people.show();
  }

  // --- the connection ----------------------------------------------------------------------

  private closed(): CloseHandlerResult {
    if (!this.leaving) {
      this.hooks.log.warn(`the connection to ${this.invitation.where} closed; reconnecting`);
      for (const file of this.files.values()) file.session.connectionLost();
      this.hooks.channelLost(this);
      vscode.window.setStatusBarMessage("$(sync~spin) lionagi Playground: reconnecting to the playground…", 3000);
      this.scheduleReconnect();
    }
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  private scheduleReconnect(): void {
    clearTimeout(this.retryTimer);
    const delay = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)] ?? 8000;
    this.retries++;
    this.retryTimer = setTimeout(() => void this.reconnect(), delay);
  }

  private async reconnect(): Promise<void> {
    if (this.leaving) return;
    try {
      if (this.client.state !== State.Running) await this.client.start();
      await this.request("playground/files/list", { playground: this.id });
      for (const file of this.files.values()) {
        if (file.isJoined) await file.session.reconnect();
      }
      this.retries = 0;
      this.hooks.log.info(`reconnected to ${this.invitation.where}`);
    } catch (error) {
      this.hooks.log.warn(`reconnecting: ${describeError(error)}`);
      if (this.client.state !== State.Running) this.scheduleReconnect();
    }
  }
}

async function choose(list: readonly PlaygroundInfo[]): Promise<PlaygroundInfo | null> {
  if (list.length === 0) throw new Error("the link reaches no playground");
  if (list.length === 1) return list[0] ?? null;
  const picked = await vscode.window.showQuickPick(
    list.map((p) => ({ label: p.title || p.playground, description: `${p.files.length} files · ${p.role}`, info: p })),
    { title: "Join which playground?" },
  );
  return picked?.info ?? null;
}
