/**
 * The language features the server offers, as Monaco providers for Python: completion (with
 * completionItem/resolve), hover, signature help, quick fixes (code actions carrying a
 * WorkspaceEdit), go to definition (within the playground's files) and formatting. Each asks the server over the page's connection; while the
 * connection is down they answer nothing rather than wait.
 */

import type { Connection } from "../connection/connection";
import type { CancellationLike } from "../connection/rpc";
import { monaco } from "../editor/monaco";
import type { LspClient } from "./client";
import {
  LSP_ITEM,
  type PlaygroundCompletionItem,
  applyResolved,
  lspDiagnostic,
  lspPosition,
  lspRange,
  monacoCompletionItem,
  monacoMarkdown,
  monacoRange,
  monacoSignatureHelp,
  monacoTextEdits,
  monacoWorkspaceEdit,
} from "./convert";
import type * as lsp from "./types";

type Model = monaco.editor.ITextModel;

const LANGUAGE = "python";

/** Registers the providers the server's capabilities call for; once, for the page's lifetime. */
export function registerProviders(connection: Connection, client: LspClient, capabilities: lsp.ServerCapabilities): void {
  const ask = async <T>(model: Model, method: string, params: (uri: string) => object, token: CancellationLike): Promise<T | null> => {
    const uri = client.uriOf(model);
    if (uri === undefined || connection.current === null || token.isCancellationRequested) return null;
    try {
      return (await connection.request(method, params(uri), token)) as T | null;
    } catch (error) {
      if (!token.isCancellationRequested) console.debug(`${method} failed`, error);
      return null;
    }
  };

  const completion = capabilities.completionProvider;
  if (completion) {
    monaco.languages.registerCompletionItemProvider(LANGUAGE, {
      triggerCharacters: completion.triggerCharacters ?? [],
      async provideCompletionItems(model, position, context, token) {
        const result = await ask<lsp.CompletionList | lsp.CompletionItem[]>(model, "textDocument/completion", (uri) => ({
          textDocument: { uri },
          position: lspPosition(position),
          context: {
            triggerKind: context.triggerKind + 1,
            ...(context.triggerCharacter ? { triggerCharacter: context.triggerCharacter } : {}),
          },
        }), token);
        if (result === null) return { suggestions: [] };
        const items = Array.isArray(result) ? result : result.items;
        const word = model.getWordUntilPosition(position);
        const fallback = {
          insert: new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, position.column),
          replace: new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn),
        };
        return {
          suggestions: items.map((item) => monacoCompletionItem(item, fallback)),
          incomplete: !Array.isArray(result) && result.isIncomplete,
        };
      },
      ...(completion.resolveProvider
        ? {
            async resolveCompletionItem(item: PlaygroundCompletionItem, token: monaco.CancellationToken) {
              const original = item[LSP_ITEM];
              if (original === undefined || connection.current === null) return item;
              try {
                const resolved = (await connection.request("completionItem/resolve", original, token)) as lsp.CompletionItem | null;
                if (resolved !== null) applyResolved(item, resolved);
              } catch (error) {
                console.debug("completionItem/resolve failed", error);
              }
              return item;
            },
          }
        : {}),
    });
  }

  if (capabilities.hoverProvider) {
    monaco.languages.registerHoverProvider(LANGUAGE, {
      async provideHover(model, position, token) {
        const hover = await ask<lsp.Hover>(model, "textDocument/hover", (uri) => ({
          textDocument: { uri },
          position: lspPosition(position),
        }), token);
        if (hover === null || !hover.contents) return null;
        return {
          contents: monacoMarkdown(hover.contents),
          ...(hover.range ? { range: monacoRange(hover.range) } : {}),
        };
      },
    });
  }

  const signature = capabilities.signatureHelpProvider;
  if (signature) {
    monaco.languages.registerSignatureHelpProvider(LANGUAGE, {
      signatureHelpTriggerCharacters: signature.triggerCharacters ?? ["(", ","],
      signatureHelpRetriggerCharacters: signature.retriggerCharacters ?? [],
      async provideSignatureHelp(model, position, token, context) {
        const help = await ask<lsp.SignatureHelp>(model, "textDocument/signatureHelp", (uri) => ({
          textDocument: { uri },
          position: lspPosition(position),
          context: {
            triggerKind: context.triggerKind,
            isRetrigger: context.isRetrigger,
            ...(context.triggerCharacter ? { triggerCharacter: context.triggerCharacter } : {}),
          },
        }), token);
        if (help === null || help.signatures.length === 0) return null;
        return { value: monacoSignatureHelp(help), dispose() {} };
      },
    });
  }

  if (capabilities.codeActionProvider) {
    monaco.languages.registerCodeActionProvider(LANGUAGE, {
      async provideCodeActions(model, range, context, token) {
        const actions = await ask<(lsp.CodeAction | lsp.CodeAction["command"])[]>(model, "textDocument/codeAction", (uri) => ({
          textDocument: { uri },
          range: lspRange(range),
          context: {
            diagnostics: context.markers.map(lspDiagnostic),
            ...(context.only ? { only: [context.only] } : {}),
            triggerKind: context.trigger === monaco.languages.CodeActionTriggerType.Invoke ? 1 : 2,
          },
        }), token);
        const list: monaco.languages.CodeAction[] = [];
        for (const action of actions ?? []) {
          // A bare Command would need a command service the page does not have.
          if (action === undefined || !("edit" in action) || action.edit === undefined) continue;
          const converted: monaco.languages.CodeAction = {
            title: action.title,
            edit: monacoWorkspaceEdit(action.edit, (uri) => client.modelOf(uri)),
          };
          if (action.kind !== undefined) converted.kind = action.kind;
          if (action.isPreferred !== undefined) converted.isPreferred = action.isPreferred;
          if (action.disabled !== undefined) converted.disabled = action.disabled.reason;
          const markers = context.markers.filter((m) =>
            action.diagnostics?.some((d) => d.message === m.message && String(d.code) === codeOf(m)),
          );
          if (markers.length > 0) converted.diagnostics = markers;
          list.push(converted);
        }
        return { actions: list, dispose() {} };
      },
    }, { providedCodeActionKinds: ["quickfix"] });
  }

  if (capabilities.definitionProvider) {
    monaco.languages.registerDefinitionProvider(LANGUAGE, {
      async provideDefinition(model, position, token) {
        const found = await ask<lsp.Location | (lsp.Location | lsp.LocationLink)[]>(model, "textDocument/definition", (uri) => ({
          textDocument: { uri },
          position: lspPosition(position),
        }), token);
        const list = found === null ? [] : Array.isArray(found) ? found : [found];
        const locations: monaco.languages.Location[] = [];
        for (const item of list) {
          const [uri, range] = "targetUri" in item ? [item.targetUri, item.targetSelectionRange] : [item.uri, item.range];
          const resource = client.resourceOf(uri);
          if (resource !== null) locations.push({ uri: resource, range: monacoRange(range) });
        }
        return locations;
      },
    });
  }

  if (capabilities.documentFormattingProvider) {
    monaco.languages.registerDocumentFormattingEditProvider(LANGUAGE, {
      displayName: "lionagi playground (ruff)",
      async provideDocumentFormattingEdits(model, options, token) {
        const edits = await ask<lsp.TextEdit[]>(model, "textDocument/formatting", (uri) => ({
          textDocument: { uri },
          options: { tabSize: options.tabSize, insertSpaces: options.insertSpaces },
        }), token);
        return edits === null ? [] : monacoTextEdits(edits);
      },
    });
  }
}

function codeOf(marker: monaco.editor.IMarkerData): string {
  const code = marker.code;
  return code === undefined ? "undefined" : typeof code === "string" ? code : code.value;
}
