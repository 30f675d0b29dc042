/**
 * A run's recording (`playground/recording`, docs/trace.md): the model's answers of a run made
 * with an API key, saved beside the entry as `<stem>.recording.json`, so a later run without a
 * key (here or anywhere the file goes) replays them.
 */

import * as path from "node:path";
import * as vscode from "vscode";
import { type RunRecording, isRecord } from "../rpc";

/** Where a run came from: a file of this machine, or text with no folder of its own. */
export type RunOrigin = { readonly kind: "file"; readonly uri: vscode.Uri } | { readonly kind: "text" };

const SUFFIX = ".recording.json";

export async function saveRecording(origin: RunOrigin, title: string, recording: RunRecording): Promise<void> {
  // Only the name counts, and only a recording's name: the file goes beside the entry, never
  // anywhere a path from the server would point.
  const name = path.posix.basename(recording.path.replace(/\\/g, "/"));
  if (!name.endsWith(SUFFIX) || name === SUFFIX) {
    void vscode.window.showWarningMessage(`lionagi Playground: a recording named "${recording.path}" was not saved.`);
    return;
  }
  const calls = countCalls(recording.text);
  if (origin.kind === "text") {
    const document = await vscode.workspace.openTextDocument({ language: "json", content: recording.text });
    await vscode.window.showTextDocument(document, { preview: false, preserveFocus: true });
    void vscode.window.showInformationMessage(
      `lionagi Playground: ${title} recorded ${calls}; save it as ${name} beside the program to replay it without a key.`,
    );
    return;
  }
  const target = vscode.Uri.joinPath(origin.uri, "..", name);
  await vscode.workspace.fs.writeFile(target, Buffer.from(recording.text, "utf8"));
  const choice = await vscode.window.showInformationMessage(
    `lionagi Playground: recorded ${calls} of ${title} into ${name}; runs without a key replay them.`,
    "Open",
  );
  if (choice === "Open") await vscode.window.showTextDocument(target, { preview: true });
}

function countCalls(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    const n = isRecord(parsed) && Array.isArray(parsed.calls) ? parsed.calls.length : 0;
    return `${n} model call${n === 1 ? "" : "s"}`;
  } catch {
    return "the model calls";
  }
}
