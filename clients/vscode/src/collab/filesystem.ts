/**
 * `playground:/<playground>/<path>` (the id is in the path: VS Code compares authorities without
 * case, and ids are case-sensitive): the files of the joined playground as a file system, so
 * they open as ordinary editors. Reading a file joins it and gives the shared text; writing an
 * open file changes nothing (its edits are shared as they are typed); new, renamed and deleted
 * files go to the server (`playground/files/*`).
 */

import * as vscode from "vscode";
import { describeError } from "../rpc";
import type { JoinedPlayground } from "./playground";

export const SCHEME = "playground";

export class PlaygroundFileSystem implements vscode.FileSystemProvider {
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;
  private readonly started = Date.now();

  constructor(private readonly joined: () => JoinedPlayground | null) {}

  /** Tells VS Code that files of the playground appeared, changed or went. */
  fire(events: vscode.FileChangeEvent[]): void {
    this.changed.fire(events);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const { playground, path } = this.locate(uri);
    if (path === "" || playground.isFolder(path)) {
      return { type: vscode.FileType.Directory, ctime: this.started, mtime: this.started, size: 0 };
    }
    const file = playground.file(path);
    if (file === null) throw vscode.FileSystemError.FileNotFound(uri);
    const stat: vscode.FileStat = {
      type: vscode.FileType.File,
      ctime: this.started,
      mtime: Date.now(),
      size: Buffer.byteLength(file.session.text, "utf8"),
    };
    return playground.canEdit ? stat : { ...stat, permissions: vscode.FilePermission.Readonly };
  }

  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    const { playground, path } = this.locate(uri);
    return playground.children(path);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { playground, path } = this.locate(uri);
    const file = playground.file(path);
    if (file === null) throw vscode.FileSystemError.FileNotFound(uri);
    try {
      await file.ready();
    } catch (error) {
      throw vscode.FileSystemError.Unavailable(`could not join ${path}: ${describeError(error)}`);
    }
    return Buffer.from(file.session.text, "utf8");
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean }): Promise<void> {
    const { playground, path } = this.locate(uri);
    if (!playground.canEdit) throw vscode.FileSystemError.NoPermissions("this playground is view-only");
    const file = playground.file(path);
    if (file === null) {
      if (!options.create) throw vscode.FileSystemError.FileNotFound(uri);
      await this.call(() => playground.createFile(path, Buffer.from(content).toString("utf8")));
      this.fire([{ type: vscode.FileChangeType.Created, uri }]);
      return;
    }
    // An open document's edits are already shared as typed: saving it has nothing to send.
    if (file.attached !== null) return;
    await file.ready();
    await playground.replaceText(file, Buffer.from(content).toString("utf8"));
  }

  createDirectory(): void {
    // Folders exist through the files in them.
  }

  async delete(uri: vscode.Uri): Promise<void> {
    const { playground, path } = this.locate(uri);
    await this.call(() => playground.deleteFile(path));
    this.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
  }

  async rename(oldUri: vscode.Uri, newUri: vscode.Uri): Promise<void> {
    const from = this.locate(oldUri);
    const to = this.locate(newUri);
    if (from.playground !== to.playground) throw vscode.FileSystemError.NoPermissions("files move within one playground");
    await this.call(() => from.playground.renameFile(from.path, to.path));
    this.fire([
      { type: vscode.FileChangeType.Deleted, uri: oldUri },
      { type: vscode.FileChangeType.Created, uri: newUri },
    ]);
  }

  private locate(uri: vscode.Uri): { playground: JoinedPlayground; path: string } {
    const playground = this.joined();
    // The root of the playground is its own folder: `playground:/<id>`.
    const path = playground === null ? null : uri.path === `/${playground.id}` ? "" : playground.pathOf(uri);
    if (playground === null || path === null) {
      throw vscode.FileSystemError.Unavailable("this playground is not joined: run 'lionagi Playground: Join Playground'");
    }
    return { playground, path };
  }

  private async call(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      throw vscode.FileSystemError.NoPermissions(describeError(error));
    }
  }
}
