/**
 * The lionagi Trace view: the current run's agent trace (`playground/trace` batches) as a tree
 * in the Explorer, filled while the run goes; an item opens its full content as a read-only
 * document (`lionagi-trace:`); Save Trace as JSON asks the server for the whole trace
 * (`playground/trace/get`). A new run clears it.
 */

import * as path from "node:path";
import * as vscode from "vscode";
import { type Channel, describeError } from "../rpc";
import { revealTrace } from "../settings";
import {
  MESSAGE_LABEL,
  type TraceEvent,
  branchLabel,
  formatDuration,
  formatTokens,
  fullContent,
  preview,
  readEvents,
} from "./events";
import { type TraceNode, TraceTree, nodeEvents, spanKind } from "./tree";

export const VIEW_ID = "lionagiPlayground.trace";
export const CONTENT_SCHEME = "lionagi-trace";
const REFRESH_MS = 100;

/** The run a trace belongs to. */
export interface TraceRun {
  readonly runId: string;
  readonly title: string;
  readonly channel: Channel;
  /** The entry's file on this machine, where a saved trace goes by default. */
  readonly file?: vscode.Uri | undefined;
}

export class TraceView implements vscode.TreeDataProvider<TraceNode>, vscode.TextDocumentContentProvider, vscode.Disposable {
  private tree = new TraceTree();
  private run: TraceRun | null = null;
  private running = false;
  /** The view is shown by itself once a session, with the first run that has a trace. */
  private revealed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly changed = new vscode.EventEmitter<TraceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** An open item's document changes as its span ends (a tool's result arrives). */
  private readonly contentChanged = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.contentChanged.event;
  private readonly view: vscode.TreeView<TraceNode>;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions = [
      this.view,
      this.changed,
      this.contentChanged,
      vscode.workspace.registerTextDocumentContentProvider(CONTENT_SCHEME, this),
      vscode.commands.registerCommand("lionagiPlayground.trace.open", (n: TraceNode) => this.open(n)),
      vscode.commands.registerCommand("lionagiPlayground.saveTrace", () => this.save()),
      vscode.commands.registerCommand("lionagiPlayground.showTrace", () =>
        vscode.commands.executeCommand(`${VIEW_ID}.focus`),
      ),
    ];
  }

  /** A new run: the view is cleared and follows it. */
  begin(run: TraceRun): void {
    this.tree = new TraceTree();
    this.run = run;
    this.running = true;
    this.view.description = run.title;
    this.updateMessage();
    this.refreshNow();
  }

  /** A `playground/trace` batch. */
  add(runId: string, batch: unknown): void {
    if (this.run?.runId !== runId) return;
    if (this.tree.add(readEvents(batch)) === 0) return;
    this.scheduleRefresh();
  }

  ended(runId: string): void {
    if (this.run?.runId !== runId) return;
    this.running = false;
    this.refreshNow();
  }

  getTreeItem(n: TraceNode): vscode.TreeItem {
    const item = treeItem(n);
    // An item drawn before its first child arrived would stay folded (VS Code keeps an id's
    // state): it gets a new id when it becomes a parent, and opens.
    item.id = `${this.run?.runId ?? ""}/${n.key}${n.children.length > 0 ? "+" : ""}`;
    item.command = { command: "lionagiPlayground.trace.open", title: "Open", arguments: [n] };
    return item;
  }

  getChildren(n?: TraceNode): TraceNode[] {
    return n === undefined ? this.tree.roots : n.children;
  }

  getParent(n: TraceNode): TraceNode | undefined {
    return n.parent ?? undefined;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const [runId, key] = uri.path.split("/").filter((p) => p !== "");
    if (runId !== this.run?.runId || key === undefined) return "(this trace was cleared by a newer run)\n";
    const n = this.tree.find(key);
    if (n === undefined) return "(not in the trace)\n";
    const shown = n.kind === "part" || (n.kind === "event" && n.event?.content !== undefined);
    if (shown && n.event !== undefined) return fullContent(n.event);
    if (n.kind === "branch") return `${JSON.stringify(this.tree.events.filter((e) => e.branch?.id === n.branch?.id), null, 2)}\n`;
    return `${JSON.stringify(nodeEvents(n), null, 2)}\n`;
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }

  private async open(n: TraceNode): Promise<void> {
    if (this.run === null) return;
    const name = documentName(n);
    const uri = vscode.Uri.from({ scheme: CONTENT_SCHEME, path: `/${this.run.runId}/${n.key}/${name}` });
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true, preserveFocus: true });
  }

  /** Asks the server for the run's whole trace and writes it where the person says. */
  private async save(): Promise<void> {
    const run = this.run;
    if (run === null) {
      void vscode.window.showInformationMessage("lionagi Playground: no trace yet; run a lionagi program first.");
      return;
    }
    let events: TraceEvent[] = this.tree.events;
    try {
      const fetched = readEvents(await run.channel.request("playground/trace/get", { runId: run.runId }));
      if (fetched.length > 0 || events.length === 0) events = fetched;
    } catch (error) {
      if (events.length === 0) {
        void vscode.window.showErrorMessage(`lionagi Playground: could not get the trace: ${describeError(error)}`);
        return;
      }
    }
    const stem = path.basename(run.title).replace(/\.[^.]*$/, "") || "run";
    const folder = run.file !== undefined ? vscode.Uri.joinPath(run.file, "..") : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: "Save the trace as JSON",
      filters: { JSON: ["json"] },
      ...(folder !== undefined ? { defaultUri: vscode.Uri.joinPath(folder, `${stem}.trace.json`) } : {}),
    });
    if (target === undefined) return;
    const text = `${JSON.stringify({ runId: run.runId, entry: run.title, events }, null, 2)}\n`;
    await vscode.workspace.fs.writeFile(target, Buffer.from(text, "utf8"));
    const choice = await vscode.window.showInformationMessage(
      `lionagi Playground: saved ${events.length} trace events to ${path.basename(target.path)}.`,
      "Open",
    );
    if (choice === "Open") await vscode.window.showTextDocument(target);
  }

  private scheduleRefresh(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.refreshNow(), REFRESH_MS);
  }

  private refreshNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.updateMessage();
    this.changed.fire(undefined);
    const mine = `/${this.run?.runId ?? ""}/`;
    for (const document of vscode.workspace.textDocuments) {
      const uri = document.uri;
      if (uri.scheme === CONTENT_SCHEME && uri.path.startsWith(mine)) this.contentChanged.fire(uri);
    }
    const first = this.tree.roots[0];
    if (!this.revealed && first !== undefined && !this.view.visible && revealTrace()) {
      this.revealed = true;
      void this.view.reveal(first, { select: false, focus: false, expand: true }).then(undefined, () => undefined);
    }
  }

  private updateMessage(): void {
    const run = this.run;
    if (run === null) return;
    const n = this.tree.size;
    const events = `${n} event${n === 1 ? "" : "s"}`;
    this.view.message = this.running
      ? `${run.title}: running · ${events}`
      : n === 0
        ? `${run.title}: no trace (the program used no lionagi Branch)`
        : `${run.title}: ${events}`;
  }
}

const EVENT_ICON: Record<string, string> = {
  system: "gear",
  instruction: "person",
  assistant: "comment",
  action_request: "call-outgoing",
  action_response: "call-incoming",
  error: "error",
  truncated: "warning",
};

const SPAN_ICON: Record<string, string> = { operation: "symbol-method", model: "hubot", tool: "tools" };

const PART_LABEL: Record<string, [string, string]> = {
  tool: ["arguments", "result"],
  model: ["request", "response"],
  operation: ["input", "output"],
};

function icon(name: string, failed = false): vscode.ThemeIcon {
  return failed ? new vscode.ThemeIcon("error", new vscode.ThemeColor("errorForeground")) : new vscode.ThemeIcon(name);
}

function treeItem(n: TraceNode): vscode.TreeItem {
  const open = n.children.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None;
  if (n.kind === "branch") {
    const s = n.stats ?? { events: 0, tokensIn: 0, tokensOut: 0, errors: 0 };
    const item = new vscode.TreeItem(branchLabel(n.branch), open);
    const tokens = s.tokensIn + s.tokensOut > 0 ? ` · ${formatTokens(s.tokensIn, s.tokensOut)}` : "";
    const errors = s.errors > 0 ? ` · ${s.errors} error${s.errors === 1 ? "" : "s"}` : "";
    item.description = `${s.events} events${tokens}${errors}`;
    item.iconPath = icon("git-branch", s.errors > 0);
    item.tooltip = `Branch ${n.branch?.id ?? "(none)"}`;
    item.contextValue = "branch";
    return item;
  }
  if (n.kind === "span") return spanItem(n, open);
  const event = n.event;
  if (n.kind === "part" && event !== undefined) {
    const labels = PART_LABEL[spanKind(n.parent ?? n)] ?? ["input", "output"];
    const failed = n.part === "output" && event.status === "error";
    const item = new vscode.TreeItem(failed ? "error" : n.part === "input" ? labels[0] : labels[1], open);
    item.description = preview(event.content);
    item.iconPath = icon(n.part === "input" ? "arrow-right" : "arrow-left", failed);
    item.tooltip = event.content ?? "";
    return item;
  }
  const kind = event?.kind ?? "error";
  const item = new vscode.TreeItem(MESSAGE_LABEL[kind] ?? kind, open);
  item.description =
    kind === "truncated" ? preview(event?.content) || "the trace stops here; the run went on" : preview(event?.content);
  item.iconPath = kind === "error" ? icon("error", true) : icon(EVENT_ICON[kind] ?? "circle-small");
  item.tooltip = `${kind} at ${formatDuration(event?.timeMs ?? 0)}\n\n${event?.content ?? ""}`;
  item.contextValue = kind;
  return item;
}

function spanItem(n: TraceNode, open: vscode.TreeItemCollapsibleState): vscode.TreeItem {
  const e = { ...n.start, ...n.end } as Partial<TraceEvent>;
  const kind = spanKind(n);
  const label =
    kind === "model"
      ? `model ${e.model ?? ""}`.trim()
      : kind === "tool"
        ? `tool ${e.tool ?? ""}`.trim()
        : (e.operation ?? kind);
  const item = new vscode.TreeItem(label, open);
  const parts: string[] = [];
  if (kind === "tool" && n.start?.content) parts.push(preview(n.start.content, 40));
  if (n.end === undefined) parts.push("running…");
  else if (e.durationMs !== undefined) parts.push(formatDuration(e.durationMs));
  const tokens = formatTokens(n.end?.tokensIn, n.end?.tokensOut);
  if (tokens) parts.push(tokens);
  if (e.answeredBy) parts.push(e.answeredBy);
  item.description = parts.join(" · ");
  const failed = n.end?.status === "error";
  item.iconPath = n.end === undefined ? new vscode.ThemeIcon("sync~spin") : icon(SPAN_ICON[kind] ?? "circle-small", failed);
  const provider = e.provider ? ` (${e.provider})` : "";
  item.tooltip = `${label}${provider}: ${n.end === undefined ? "running" : (e.status ?? "ended")}, started at ${formatDuration(n.start?.timeMs ?? e.timeMs ?? 0)}`;
  item.contextValue = `${kind}${failed ? "-error" : ""}`;
  return item;
}

/** The read-only document's name: what it holds, and .json when it is JSON. */
function documentName(n: TraceNode): string {
  const item = treeItem(n);
  const label = typeof item.label === "string" ? item.label : (item.label?.label ?? "trace");
  const base = label.replace(/[^A-Za-z0-9._ -]/g, "_").trim() || "trace";
  const content = n.kind === "part" || n.kind === "event" ? n.event?.content : undefined;
  if (content === undefined) return `${base}.json`;
  try {
    const parsed: unknown = JSON.parse(content);
    return typeof parsed === "object" && parsed !== null ? `${base}.json` : `${base}.txt`;
  } catch {
    return `${base}.txt`;
  }
}
