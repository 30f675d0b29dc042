/**
 * The page's LSP client: the handshake on every new socket, document sync (didOpen, incremental
 * didChange, didClose) for the models the page opens under their playground URIs, and pushed
 * diagnostics as Monaco markers. The language features live in providers.ts.
 *
 * Why not monaco-editor's built-in client (`monaco.lsp.MonacoLspClient`, 0.57.0): its source
 * (esm/external/monaco-lsp-client) always announces `textDocument.diagnostic` and polls
 * `textDocument/diagnostic` 500 ms after each edit whenever the server offers it (ours does), so
 * markers came 0.52 s after an edit instead of ~125 ms on the push path; it lower-cases every
 * document URI (`uri.toString(true).toLowerCase()`), while playground ids are case-sensitive and a
 * shared file must be opened under exactly the `uri` of `playground/collab/join`; it owns its
 * transport, has no dispose and initializes once, so a reconnect would need a second client that
 * registers every provider twice; it sends no clientInfo and opens every model. What the
 * playground needs of it is a few hundred lines, so this client does that directly over the page's
 * one JSON-RPC connection.
 */

import type { Connection, Handshake } from "../connection/connection";
import type { RpcConnection } from "../connection/rpc";
import { monaco } from "../editor/monaco";
import { lspContentChange, monacoMarker } from "./convert";
import type * as lsp from "./types";

type Model = monaco.editor.ITextModel;

export const MARKER_OWNER = "lsp";

interface OpenDocument {
  readonly uri: string;
  readonly model: Model;
  readonly languageId: string;
  readonly subscription: monaco.IDisposable;
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

export class LspClient implements Handshake {
  private readonly documents = new Map<string, OpenDocument>();
  private readonly byModel = new Map<Model, OpenDocument>();
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
    for (const document of this.documents.values()) this.sendOpen(document);
  }

  /** Opens `model` in the LSP session under `uri` (a shared file's `playground://` uri). */
  open(model: Model, uri: string): void {
    const existing = this.byModel.get(model);
    if (existing !== undefined) {
      if (existing.uri === uri) return;
      this.close(model);
    }
    const subscription = model.onDidChangeContent((event) => this.changed(document, event));
    const document: OpenDocument = { uri, model, languageId: model.getLanguageId(), subscription };
    this.documents.set(uri, document);
    this.byModel.set(model, document);
    this.sendOpen(document);
  }

  close(model: Model): void {
    const document = this.byModel.get(model);
    if (document === undefined) return;
    document.subscription.dispose();
    this.documents.delete(document.uri);
    this.byModel.delete(model);
    this.sync?.notify("textDocument/didClose", { textDocument: { uri: document.uri } });
    if (!model.isDisposed()) monaco.editor.setModelMarkers(model, MARKER_OWNER, []);
  }

  uriOf(model: Model): string | undefined {
    return this.byModel.get(model)?.uri;
  }

  modelOf(uri: string): Model | undefined {
    return this.documents.get(uri)?.model;
  }

  /**
   * The Monaco resource of an LSP uri: an open document's model, or a playground file not open
   * (`playground://<id>/<path>` as `playground:/<id>/<path>`, which the editor can open); null
   * for anything else (a library's file on the server's disk is not the page's to show).
   */
  resourceOf(uri: string): monaco.Uri | null {
    const model = this.modelOf(uri);
    if (model !== undefined) return model.uri;
    const match = /^playground:\/\/([^/]+)\/(.+)$/.exec(uri);
    if (match === null) return null;
    return monaco.Uri.from({ scheme: "playground", path: `/${match[1]}/${match[2]}` });
  }

  private sendOpen(document: OpenDocument): void {
    this.sync?.notify("textDocument/didOpen", {
      textDocument: {
        uri: document.uri,
        languageId: document.languageId,
        version: document.model.getVersionId(),
        text: document.model.getValue(),
      },
    });
  }

  private changed(document: OpenDocument, event: monaco.editor.IModelContentChangedEvent): void {
    if (this.sync === null) return; // the next handshake sends the whole text
    // Monaco reports one edit's changes against the text before it; sent from the last to the
    // first, each applies to the text the previous one left (LSP applies them in order).
    const changes = [...event.changes].sort((a, b) => b.rangeOffset - a.rangeOffset);
    this.sync.notify("textDocument/didChange", {
      textDocument: { uri: document.uri, version: event.versionId },
      contentChanges: changes.map(lspContentChange),
    });
  }

  private publishDiagnostics(params: lsp.PublishDiagnosticsParams): void {
    const document = this.documents.get(params.uri);
    if (document === undefined || document.model.isDisposed()) return;
    // Findings for a text already replaced would land in the wrong places; the server sends the
    // newer version's shortly.
    if (typeof params.version === "number" && params.version < document.model.getVersionId()) return;
    monaco.editor.setModelMarkers(document.model, MARKER_OWNER, params.diagnostics.map(monacoMarker));
  }
}
