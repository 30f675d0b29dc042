/**
 * The page's LSP client on the editor's side: binds the Monaco models the page opens to their
 * documents in the LSP session (session.ts: the handshake, didOpen, didClose) under their
 * playground URIs, sends their edits as incremental didChange, and shows pushed diagnostics as
 * Monaco markers. The language features live in providers.ts.
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

import { monaco } from "../editor/monaco";
import { lspContentChange, monacoMarker } from "./convert";
import type { LspSession } from "./session";
import type * as lsp from "./types";

type Model = monaco.editor.ITextModel;

export const MARKER_OWNER = "lsp";

interface OpenDocument {
  readonly uri: string;
  readonly model: Model;
  readonly subscription: monaco.IDisposable;
}

export class LspClient {
  private readonly documents = new Map<string, OpenDocument>();
  private readonly byModel = new Map<Model, OpenDocument>();

  constructor(readonly session: LspSession) {
    session.onDiagnostics((params) => this.publishDiagnostics(params));
  }

  /** The server's capabilities, once the first handshake is done. */
  capabilities(): Promise<lsp.ServerCapabilities> {
    return this.session.capabilities();
  }

  /**
   * Opens `model` in the LSP session under `uri` (a shared file's `playground://` uri). A document
   * the start-up already opened with the model's text costs nothing more, and the diagnostics
   * already pushed for it show at once.
   */
  open(model: Model, uri: string): void {
    const existing = this.byModel.get(model);
    if (existing !== undefined) {
      if (existing.uri === uri) return;
      this.close(model);
    }
    const subscription = model.onDidChangeContent((event) => this.changed(document, event));
    const document: OpenDocument = { uri, model, subscription };
    this.documents.set(uri, document);
    this.byModel.set(model, document);
    this.session.open(uri, {
      languageId: model.getLanguageId(),
      text: () => model.getValue(),
      version: () => model.getVersionId(),
    });
    const known = this.session.diagnostics(uri);
    if (known !== undefined) this.publishDiagnostics(known);
  }

  close(model: Model): void {
    const document = this.byModel.get(model);
    if (document === undefined) return;
    document.subscription.dispose();
    this.documents.delete(document.uri);
    this.byModel.delete(model);
    this.session.close(document.uri);
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

  private changed(document: OpenDocument, event: monaco.editor.IModelContentChangedEvent): void {
    // Monaco reports one edit's changes against the text before it; sent from the last to the
    // first, each applies to the text the previous one left (LSP applies them in order).
    const changes = [...event.changes].sort((a, b) => b.rangeOffset - a.rangeOffset);
    this.session.change(document.uri, event.versionId, changes.map(lspContentChange));
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
