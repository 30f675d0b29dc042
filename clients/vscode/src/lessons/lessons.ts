/**
 * Lessons (`playground/templates*`): pick one, get its starter files in a folder of their own,
 * reveal its hints one at a time, and check it: the client runs the lesson's check entry
 * (`playground/run` with the learner's files and the check's) and the server judges what it
 * printed (`playground/templates/check`).
 */

import * as path from "node:path";
import * as vscode from "vscode";
import { type Channel, describeError, isRecord } from "../rpc";
import type { RunController } from "../run/runs";
import { lessonsFolder } from "../settings";

interface Summary {
  readonly id: string;
  readonly title: string;
  readonly language: string;
  readonly category: string;
  readonly difficulty: string;
  readonly summary: string;
  readonly hints: number;
}

interface Template extends Summary {
  readonly description: string;
  readonly entry: string;
  readonly files: Record<string, string>;
  readonly check: {
    readonly entry: string;
    readonly stdin: string | null;
    readonly files: Record<string, string>;
    readonly displays: readonly string[];
  };
}

interface Verdict {
  readonly passed: boolean;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
}

/** A lesson started in a folder: what Next Hint and Check work on. */
interface Started {
  readonly id: string;
  readonly title: string;
  readonly folder: string;
  readonly files: readonly string[];
  readonly hints: number;
  nextHint: number;
  readonly check: Template["check"];
}

const STATE_KEY = "lionagiPlayground.lessons";

export class Lessons {
  private started: Started[];

  constructor(
    private readonly server: Channel & { readonly running: boolean },
    private readonly runs: RunController,
    private readonly state: vscode.Memento,
  ) {
    this.started = state.get<Started[]>(STATE_KEY, []);
    this.updateContext();
  }

  async newFromLesson(): Promise<void> {
    if (!this.requireServer()) return;
    let list: Summary[];
    try {
      const answer = await this.server.request("playground/templates", {});
      list = isRecord(answer) && Array.isArray(answer.templates) ? (answer.templates as Summary[]) : [];
    } catch (error) {
      void vscode.window.showErrorMessage(`lionagi Playground: no lessons: ${describeError(error)}`);
      return;
    }
    const picked = await vscode.window.showQuickPick(pickItems(list), {
      title: "New from lesson",
      placeHolder: "Pick a lesson: its starter files go into a folder of their own",
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (picked === undefined || picked.summary === undefined) return;
    let template: Template;
    try {
      template = (await this.server.request("playground/templates/get", { id: picked.summary.id })) as Template;
    } catch (error) {
      void vscode.window.showErrorMessage(`lionagi Playground: ${describeError(error)}`);
      return;
    }
    const parent = await this.parentFolder();
    if (parent === null) return;
    const folder = await freeFolder(vscode.Uri.joinPath(parent, template.id));
    for (const [name, text] of Object.entries(template.files)) {
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, ...name.split("/")), Buffer.from(text, "utf8"));
    }
    const readme = vscode.Uri.joinPath(folder, "LESSON.md");
    await vscode.workspace.fs.writeFile(readme, Buffer.from(lessonText(template), "utf8"));
    this.remember({
      id: template.id,
      title: template.title,
      folder: folder.fsPath,
      files: Object.keys(template.files),
      hints: template.hints,
      nextHint: 0,
      check: template.check,
    });
    const entry = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, ...template.entry.split("/")));
    await vscode.window.showTextDocument(entry, { preview: false });
    // The lesson's text rendered beside, the focus kept in the file to edit. (The preview
    // command takes the focus once its webview loads, after it resolves: opening the preview
    // editor with preserveFocus is what keeps the cursor in the code.)
    await vscode.commands
      .executeCommand("vscode.openWith", readme, "vscode.markdown.preview.editor", {
        viewColumn: vscode.ViewColumn.Beside,
        preserveFocus: true,
        preview: false,
      })
      .then(undefined, () => undefined);
    void vscode.window.showInformationMessage(
      `Lesson "${template.title}": edit ${template.entry}, run it (Ctrl+Enter), then check it.`,
      "Check",
      "Hint",
    ).then((choice) => {
      if (choice === "Check") void this.check();
      else if (choice === "Hint") void this.nextHint();
    });
  }

  async nextHint(): Promise<void> {
    const lesson = await this.current();
    if (lesson === null || !this.requireServer()) return;
    if (lesson.hints === 0) {
      void vscode.window.showInformationMessage(`"${lesson.title}" has no hints.`);
      return;
    }
    const index = lesson.nextHint % lesson.hints;
    try {
      const hint = (await this.server.request("playground/templates/hint", { id: lesson.id, index })) as {
        text: string;
        count: number;
      };
      lesson.nextHint = index + 1;
      await this.save();
      const more = index + 1 < hint.count ? ["Next Hint"] : [];
      const choice = await vscode.window.showInformationMessage(`Hint ${index + 1} of ${hint.count}: ${hint.text}`, ...more);
      if (choice === "Next Hint") await this.nextHint();
    } catch (error) {
      void vscode.window.showErrorMessage(`lionagi Playground: ${describeError(error)}`);
    }
  }

  async check(): Promise<void> {
    const lesson = await this.current();
    if (lesson === null || !this.requireServer()) return;
    const files: Record<string, string> = {};
    for (const name of lesson.files) {
      const uri = vscode.Uri.file(path.join(lesson.folder, ...name.split("/")));
      const open = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
      try {
        files[name] = open ? open.getText() : Buffer.from(await vscode.workspace.fs.readFile(uri)).toString("utf8");
      } catch {
        // A starter file the learner deleted: the check runs without it.
      }
    }
    Object.assign(files, lesson.check.files);
    const run = await this.runs.start(
      this.server,
      { files, entry: lesson.check.entry, stdin: lesson.check.stdin ?? "" },
      `check of "${lesson.title}"`,
    );
    if (run === null) return;
    const result = await this.runs.result(run);
    const params: Record<string, unknown> = {
      id: lesson.id,
      stdout: result.stdout,
      stderr: result.stderr,
      exitCode: result.exit.exitCode,
    };
    if (lesson.check.displays.length > 0) params.displays = result.displays;
    let verdict: Verdict;
    try {
      verdict = (await this.server.request("playground/templates/check", params)) as Verdict;
    } catch (error) {
      void vscode.window.showErrorMessage(`lionagi Playground: the check failed: ${describeError(error)}`);
      return;
    }
    if (verdict.passed) {
      this.runs.terminal.note(`✔ ${verdict.message}`, "32");
      void vscode.window.showInformationMessage(`✔ ${verdict.message}`);
    } else {
      this.runs.terminal.note(`✘ ${verdict.message}`, "31");
      if (verdict.expected) this.runs.terminal.note(`expected: ${verdict.expected}`);
      const choice = await vscode.window.showWarningMessage(`Not yet: ${verdict.message}`, "Hint");
      if (choice === "Hint") await this.nextHint();
    }
  }

  private requireServer(): boolean {
    if (this.server.running) return true;
    void vscode.window.showErrorMessage(
      "lionagi Playground: lessons come from the language server, which is not running. Run 'lionagi Playground: Restart the Language Server'.",
    );
    return false;
  }

  /** The lesson whose folder holds the active file, else the one started last. */
  private async current(): Promise<Started | null> {
    const active = vscode.window.activeTextEditor?.document.uri;
    const inFolder = active?.scheme === "file"
      ? this.started.find((l) => !path.relative(l.folder, active.fsPath).startsWith(".."))
      : undefined;
    const lesson = inFolder ?? this.started[this.started.length - 1] ?? null;
    if (lesson === null) {
      void vscode.window.showInformationMessage("Start a lesson first: lionagi Playground: New from Lesson.");
    }
    return lesson;
  }

  private async parentFolder(): Promise<vscode.Uri | null> {
    const configured = lessonsFolder();
    if (configured) return vscode.Uri.file(configured);
    const workspace = vscode.workspace.workspaceFolders?.[0];
    if (workspace !== undefined) return workspace.uri;
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      openLabel: "Put the lesson here",
    });
    return picked?.[0] ?? null;
  }

  private remember(lesson: Started): void {
    this.started = [...this.started.filter((l) => l.folder !== lesson.folder), lesson].slice(-20);
    void this.save();
    this.updateContext();
  }

  private async save(): Promise<void> {
    await this.state.update(STATE_KEY, this.started);
  }

  private updateContext(): void {
    void vscode.commands.executeCommand("setContext", "lionagiPlayground.lesson", this.started.length > 0);
  }
}

type LessonItem = vscode.QuickPickItem & { summary?: Summary };

function pickItems(list: readonly Summary[]): LessonItem[] {
  const items: LessonItem[] = [];
  let category = "";
  for (const lesson of list) {
    if (lesson.category !== category) {
      category = lesson.category;
      items.push({ label: category, kind: vscode.QuickPickItemKind.Separator });
    }
    items.push({
      label: lesson.title,
      description: `${lesson.language} · ${lesson.difficulty}`,
      detail: lesson.summary,
      summary: lesson,
    });
  }
  return items;
}

function lessonText(template: Template): string {
  return `# ${template.title}\n\n${template.description}\n\n---\n\nEdit \`${template.entry}\`, run it with **lionagi Playground: Run** (Ctrl+Enter), ` +
    "then **lionagi Playground: Check the Lesson**. **Show the Next Hint** gives a hint at a time.\n";
}

/** `base`, or `base-2`, `base-3`... whichever does not exist yet. */
async function freeFolder(base: vscode.Uri): Promise<vscode.Uri> {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : base.with({ path: `${base.path}-${n}` });
    try {
      await vscode.workspace.fs.stat(candidate);
    } catch {
      await vscode.workspace.fs.createDirectory(candidate);
      return candidate;
    }
  }
}
