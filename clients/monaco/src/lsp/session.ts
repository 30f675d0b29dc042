/**
 * The LSP session without the editor: the handshake on every new socket, document sync by uri,
 * and the latest pushed diagnostics of each open document. No Monaco here, so the page's first
 * module can run the handshake and open the first file (from `playground/collab/join`'s text)
 * while the editor's code is still loading; `LspClient` (client.ts) then binds Monaco models to
 * the same documents and turns the diagnostics into markers.
 *
 * The client capabilities are those of the page's editor (client.ts explains why they are ours
 * and not monaco-editor's built-in client's).
 */

import type { Connection, Disposable, Handshake } from "../connection/connection";
import type { RpcConnection } from "../connection/rpc";
import type * as lsp from "./types";

/** What the session reads of an open document: its language, current text and version. */
export interface DocumentSource {
  readonly languageId: string;
  text(): string;
  version(): number;
}

interface OpenDocument {
  readonly uri: string;
  readonly source: DocumentSource;
  /** The socket this document was last opened on (a new socket is a new session). */
  openedOn: RpcConnection | null;
}

/**
 * The client capabilities. Deliberately no `textDocument.diagnostic`: a client that announces it
 * gets no pushed diagnostics from this server and must poll (measured 0.52 s after an edit, against
 * ~125 ms pushed).
 */
export function clientCapabilities(): Record<string, unknown> {
  const markdown = ["markdown", "plaintext"];
  return {
    general: { positionEncodings: ["utf-16"] },
    textDocument: {
      synchronization: { dynamicRegistration: false, willSave: false, willSaveWaitUntil: false, didSave: false },
      completion: {
        contextSupport: true,
        completionItem: {
          snippetSupport: true,
          commitCharactersSupport: true,
          documentationFormat: markdown,
          deprecatedSupport: true,
          preselectSupport: true,
          insertReplaceSupport: true,
          labelDetailsSupport: true,
          tagSupport: { valueSet: [1] },
          resolveSupport: { properties: ["detail", "documentation"] },
        },
        completionItemKind: { valueSet: Array.from({ length: 25 }, (_, i) => i + 1) },
      },
      hover: { contentFormat: markdown },
      signatureHelp: {
        contextSupport: true,
        signatureInformation: {
          documentationFormat: markdown,
          parameterInformation: { labelOffsetSupport: true },
          activeParameterSupport: true,
        },
      },
      codeAction: {
        codeActionLiteralSupport: { codeActionKind: { valueSet: ["", "quickfix", "refactor", "source"] } },
        isPreferredSupport: true,
        disabledSupport: true,
      },
      formatting: { dynamicRegistration: false },
      publishDiagnostics: {
        relatedInformation: false,
        tagSupport: { valueSet: [1, 2] },
        versionSupport: true,
        codeDescriptionSupport: true,
        dataSupport: true,
      },
    },
    workspace: { workspaceEdit: { documentChanges: true }, applyEdit: false },
    window: { workDoneProgress: false },
  };
}

export class LspSession implements Handshake {
  private readonly documents = new Map<string, OpenDocument>();
  private readonly diagnosticsByUri = new Map<string, lsp.PublishDiagnosticsParams>();
  private readonly diagnosticsListeners = new Set<(params: lsp.PublishDiagnosticsParams) => void>();
  /** The socket the open documents were last sent on; null while down or in a handshake. */
  private sync: RpcConnection | null = null;
  private capabilitiesValue: lsp.ServerCapabilities | null = null;
  private readonly capabilityWaiters: ((c: lsp.ServerCapabilities) => void)[] = [];

  constructor(connection: Connection) {
    connection.addHandshake(this);
    connection.onLost(() => (this.sync = null));
    connection.onAny("textDocument/publishDiagnostics", (params) =>
      this.publishDiagnostics(params as lsp.PublishDiagnosticsParams),
    );
    connection.onAny("window/showMessage", (params) => console.info("server:", (params as { message?: string }).message));
    connection.onAny("window/logMessage", (params) => console.debug("server:", (params as { message?: string }).message));
  }

  /** The server's capabilities, once the first handshake is done. */
  capabilities(): Promise<lsp.ServerCapabilities> {
    if (this.capabilitiesValue !== null) return Promise.resolve(this.capabilitiesValue);
    return new Promise((resolve) => this.capabilityWaiters.push(resolve));
  }

  async initialize(rpc: RpcConnection): Promise<void> {
    rpc.handleServerRequest("client/registerCapability", () => null);
    rpc.handleServerRequest("client/unregisterCapability", () => null);
    rpc.handleServerRequest("window/workDoneProgress/create", () => null);
    rpc.handleServerRequest("workspace/applyEdit", () => ({ applied: false, failureReason: "not supported by the page" }));
    const result = (await rpc.request("initialize", {
      processId: null,
      clientInfo: { name: "lionagi-playground-monaco", version: "0.1.0" },
      locale: navigator.language,
      rootUri: null,
      workspaceFolders: null,
      capabilities: clientCapabilities(),
    })) as { capabilities?: lsp.ServerCapabilities } | null;
    rpc.notify("initialized", {});
    if (this.capabilitiesValue === null) {
      this.capabilitiesValue = result?.capabilities ?? {};
      for (const waiter of this.capabilityWaiters.splice(0)) waiter(this.capabilitiesValue);
    }
    // A new session knows no documents: open each with the text it has now.
    this.sync = rpc;
    this.diagnosticsByUri.clear();
    for (const document of this.documents.values()) this.sendOpen(document);
  }

  /**
   * Opens a text that does not change under `uri`, as version 1: a file whose editor model does
   * not exist yet. The model that takes it over with the same text and version (a new model is
   * version 1) costs no second didOpen.
   */
  openText(uri: string, languageId: string, text: string): void {
    this.open(uri, { languageId, text: () => text, version: () => 1 });
  }

  /** Opens `uri` in the session (again on every new socket), its content read from `source`. */
  open(uri: string, source: DocumentSource): void {
    const existing = this.documents.get(uri);
    const document: OpenDocument = { uri, source, openedOn: null };
    this.documents.set(uri, document);
    if (existing !== undefined && existing.openedOn !== null && existing.openedOn === this.sync) {
      // Already open in this session: nothing to send if the server has exactly this.
      const same =
        existing.source.languageId === source.languageId &&
        existing.source.version() === source.version() &&
        existing.source.text() === source.text();
      if (same) {
        document.openedOn = existing.openedOn;
        return;
      }
      this.sync.notify("textDocument/didClose", { textDocument: { uri } });
      this.diagnosticsByUri.delete(uri);
    }
    this.sendOpen(document);
  }

  /** Incremental changes of an open document, in the order the server applies them. */
  change(uri: string, version: number, contentChanges: lsp.TextDocumentContentChangeEvent[]): void {
    const document = this.documents.get(uri);
    // While down, or before the document's didOpen: the next didOpen sends the whole text.
    if (this.sync === null || document === undefined || document.openedOn !== this.sync) return;
    this.sync.notify("textDocument/didChange", { textDocument: { uri, version }, contentChanges });
  }

  close(uri: string): void {
    const document = this.documents.get(uri);
    if (document === undefined) return;
    this.documents.delete(uri);
    this.diagnosticsByUri.delete(uri);
    if (this.sync !== null && document.openedOn === this.sync) {
      this.sync.notify("textDocument/didClose", { textDocument: { uri } });
    }
  }

  isOpen(uri: string): boolean {
    return this.documents.has(uri);
  }

  /** The latest diagnostics the server pushed for an open document, if any. */
  diagnostics(uri: string): lsp.PublishDiagnosticsParams | undefined {
    return this.diagnosticsByUri.get(uri);
  }

  onDiagnostics(listener: (params: lsp.PublishDiagnosticsParams) => void): Disposable {
    this.diagnosticsListeners.add(listener);
    return { dispose: () => this.diagnosticsListeners.delete(listener) };
  }

  private sendOpen(document: OpenDocument): void {
    if (this.sync === null) return;
    document.openedOn = this.sync;
    this.sync.notify("textDocument/didOpen", {
      textDocument: {
        uri: document.uri,
        languageId: document.source.languageId,
        version: document.source.version(),
        text: document.source.text(),
      },
    });
  }

  private publishDiagnostics(params: lsp.PublishDiagnosticsParams): void {
    if (!this.documents.has(params.uri)) return;
    this.diagnosticsByUri.set(params.uri, params);
    for (const listener of [...this.diagnosticsListeners]) {
      try {
        listener(params);
      } catch (error) {
        console.error(error);
      }
    }
  }
}
