/**
 * lionagi Playground for VS Code: starts the local language server, and wires the commands to
 * the parts that do the work (runs, lessons, a joined playground). The intelligence is the
 * server's; this file only connects things.
 */

import * as vscode from "vscode";
import { PlaygroundFileSystem, SCHEME } from "./collab/filesystem";
import { JoinedPlayground } from "./collab/playground";
import { Lessons } from "./lessons/lessons";
import { describeError } from "./rpc";
import { ApiKeys, withKeys } from "./run/keys";
import { RunController } from "./run/runs";
import { askLimits, runTarget } from "./run/target";
import { LocalServer } from "./server/local";
import { affectsServer, recordRuns } from "./settings";
import { TraceView } from "./trace/view";

let server: LocalServer | null = null;
let joined: JoinedPlayground | null = null;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel("lionagi Playground", { log: true });
  const trace = new TraceView();
  const keys = new ApiKeys(context.secrets);
  const runs = new RunController(log, trace);
  const local = new LocalServer(log, (channel, method, params) => runs.notification(channel, method, params));
  server = local;
  const files = new PlaygroundFileSystem(() => joined);
  const lessons = new Lessons(local, runs, context.workspaceState);
  const targets = {
    local,
    shared: (uri: vscode.Uri) => {
      const path = joined?.pathOf(uri) ?? null;
      return joined !== null && path !== null ? { channel: joined, playground: joined.id, path } : null;
    },
  };

  const run = async (limits?: Awaited<ReturnType<typeof askLimits>>) => {
    const document = vscode.window.activeTextEditor?.document;
    if (document === undefined) {
      void vscode.window.showInformationMessage("lionagi Playground: open a file to run it.");
      return;
    }
    if (document.uri.scheme !== SCHEME) await local.ensureStarted();
    const target = await runTarget(document, targets, limits ?? undefined);
    if (target === null) return;
    const params = target.shared ? target.params : withKeys(target.params, await keys.all(), recordRuns());
    await runs.start(target.channel, params, target.title, target.origin);
  };

  const join = async () => {
    const link = await vscode.window.showInputBox({
      title: "Join a playground",
      prompt: "The invitation link, as the web playground's Invite button gives it",
      placeHolder: "http://127.0.0.1:8765/?invite=...",
      ignoreFocusOut: true,
    });
    if (!link) return;
    await joined?.leave();
    joined = null;
    try {
      joined = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: "Joining the playground…" },
        () =>
          JoinedPlayground.join(link, {
            log,
            notification: (channel, method, params) => runs.notification(channel, method, params),
            channelLost: (channel) => runs.channelLost(channel),
            filesChanged: (events) => files.fire(events),
          }),
      );
    } catch (error) {
      void vscode.window.showErrorMessage(`lionagi Playground: could not join: ${describeError(error)}`);
      return;
    }
    if (joined === null) return;
    await vscode.commands.executeCommand("setContext", "lionagiPlayground.joined", true);
    await joined.openEditors();
  };

  const leave = async () => {
    await joined?.leave();
    joined = null;
    await vscode.commands.executeCommand("setContext", "lionagiPlayground.joined", false);
  };

  const openSharedFile = async () => {
    if (joined === null) return;
    const current = joined;
    const path = await vscode.window.showQuickPick(current.paths(), { title: `Files of "${current.title}"` });
    if (path !== undefined) await vscode.window.showTextDocument(current.uri(path), { preview: false });
  };

  const sharedFile = () => {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const path = uri === undefined ? null : (joined?.pathOf(uri) ?? null);
    return path === null ? null : (joined?.file(path) ?? null);
  };

  context.subscriptions.push(
    log,
    trace,
    runs,
    local,
    local.onDidChangeState((state) => runs.status.serverState(state)),
    vscode.workspace.registerFileSystemProvider(SCHEME, files, { isCaseSensitive: true }),
    vscode.commands.registerCommand("lionagiPlayground.run", () => run()),
    vscode.commands.registerCommand("lionagiPlayground.runWithLimits", async () => {
      const limits = await askLimits();
      if (limits !== null) await run(limits);
    }),
    vscode.commands.registerCommand("lionagiPlayground.stop", () => runs.stop()),
    vscode.commands.registerCommand("lionagiPlayground.setApiKey", () => keys.ask()),
    vscode.commands.registerCommand("lionagiPlayground.clearApiKeys", () => keys.clear()),
    vscode.commands.registerCommand("lionagiPlayground.newFromLesson", async () => {
      await local.ensureStarted();
      await lessons.newFromLesson();
    }),
    vscode.commands.registerCommand("lionagiPlayground.nextHint", async () => {
      await local.ensureStarted();
      await lessons.nextHint();
    }),
    vscode.commands.registerCommand("lionagiPlayground.checkLesson", async () => {
      await local.ensureStarted();
      await lessons.check();
    }),
    vscode.commands.registerCommand("lionagiPlayground.join", join),
    vscode.commands.registerCommand("lionagiPlayground.leave", leave),
    vscode.commands.registerCommand("lionagiPlayground.openSharedFile", openSharedFile),
    vscode.commands.registerCommand("lionagiPlayground.restartServer", () => local.restart()),
    vscode.commands.registerCommand("lionagiPlayground.undo", () => sharedFile()?.undo()),
    vscode.commands.registerCommand("lionagiPlayground.redo", () => sharedFile()?.redo()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsServer(event)) void local.restart();
    }),
    local.onDidChangeState((state) => {
      if (state !== "running") runs.channelLost(local);
    }),
  );
  // The server starts with the first Python file (or the first command that needs it).
  const python = (d: vscode.TextDocument) => d.languageId === "python" && (d.uri.scheme === "file" || d.uri.scheme === "untitled");
  if (vscode.workspace.textDocuments.some(python)) {
    await local.ensureStarted();
  } else {
    const waiting = vscode.workspace.onDidOpenTextDocument((d) => {
      if (!python(d)) return;
      waiting.dispose();
      void local.ensureStarted();
    });
    context.subscriptions.push(waiting);
  }
}

export async function deactivate(): Promise<void> {
  await joined?.leave();
  joined = null;
  await server?.stop();
}
