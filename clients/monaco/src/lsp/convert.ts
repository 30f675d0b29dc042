/**
 * LSP <-> Monaco conversions, all in one place. LSP positions are zero-based UTF-16 code units;
 * Monaco's are one-based, its columns UTF-16 code units too, so a position converts by adding one.
 */

import { monaco } from "../editor/monaco";
import type * as lsp from "./types";

type Model = monaco.editor.ITextModel;

export function lspPosition(position: monaco.IPosition): lsp.Position {
  return { line: position.lineNumber - 1, character: position.column - 1 };
}

export function lspRange(range: monaco.IRange): lsp.Range {
  return {
    start: { line: range.startLineNumber - 1, character: range.startColumn - 1 },
    end: { line: range.endLineNumber - 1, character: range.endColumn - 1 },
  };
}

export function monacoRange(range: lsp.Range): monaco.Range {
  return new monaco.Range(
    range.start.line + 1,
    range.start.character + 1,
    range.end.line + 1,
    range.end.character + 1,
  );
}

/** An incremental didChange entry from one of Monaco's content changes. */
export function lspContentChange(change: monaco.editor.IModelContentChange): lsp.TextDocumentContentChangeEvent {
  return { range: lspRange(change.range), rangeLength: change.rangeLength, text: change.text };
}

const MARKER_SEVERITY: Record<number, monaco.MarkerSeverity> = {
  1: monaco.MarkerSeverity.Error,
  2: monaco.MarkerSeverity.Warning,
  3: monaco.MarkerSeverity.Info,
  4: monaco.MarkerSeverity.Hint,
};

const LSP_SEVERITY = new Map<monaco.MarkerSeverity, number>([
  [monaco.MarkerSeverity.Error, 1],
  [monaco.MarkerSeverity.Warning, 2],
  [monaco.MarkerSeverity.Info, 3],
  [monaco.MarkerSeverity.Hint, 4],
]);

export function monacoMarker(diagnostic: lsp.Diagnostic): monaco.editor.IMarkerData {
  const marker: monaco.editor.IMarkerData = {
    ...monacoRange(diagnostic.range),
    severity: MARKER_SEVERITY[diagnostic.severity ?? 1] ?? monaco.MarkerSeverity.Error,
    message: diagnostic.message,
  };
  if (diagnostic.source !== undefined) marker.source = diagnostic.source;
  if (diagnostic.code !== undefined) {
    const value = String(diagnostic.code);
    const href = diagnostic.codeDescription?.href;
    marker.code = href ? { value, target: monaco.Uri.parse(href) } : value;
  }
  const tags = (diagnostic.tags ?? []).filter((t) => t === 1 || t === 2) as monaco.MarkerTag[];
  if (tags.length > 0) marker.tags = tags;
  return marker;
}

/** A marker back as the diagnostic it came from (for a code action request's context). */
export function lspDiagnostic(marker: monaco.editor.IMarkerData): lsp.Diagnostic {
  const diagnostic: lsp.Diagnostic = {
    range: lspRange(marker),
    message: marker.message,
    severity: LSP_SEVERITY.get(marker.severity) ?? 1,
  };
  if (marker.source) diagnostic.source = marker.source;
  if (marker.code !== undefined) {
    diagnostic.code = typeof marker.code === "string" ? marker.code : marker.code.value;
  }
  return diagnostic;
}

const K = monaco.languages.CompletionItemKind;
const COMPLETION_KIND: Record<number, monaco.languages.CompletionItemKind> = {
  1: K.Text, 2: K.Method, 3: K.Function, 4: K.Constructor, 5: K.Field, 6: K.Variable, 7: K.Class,
  8: K.Interface, 9: K.Module, 10: K.Property, 11: K.Unit, 12: K.Value, 13: K.Enum, 14: K.Keyword,
  15: K.Snippet, 16: K.Color, 17: K.File, 18: K.Reference, 19: K.Folder, 20: K.EnumMember,
  21: K.Constant, 22: K.Struct, 23: K.Event, 24: K.Operator, 25: K.TypeParameter,
};

/** The LSP item a Monaco completion item came from, kept for completionItem/resolve. */
export const LSP_ITEM = Symbol("lspItem");

export type PlaygroundCompletionItem = monaco.languages.CompletionItem & {
  [LSP_ITEM]?: lsp.CompletionItem;
};

export function monacoCompletionItem(
  item: lsp.CompletionItem,
  fallback: monaco.languages.CompletionItemRanges,
): PlaygroundCompletionItem {
  let insertText = item.insertText ?? item.label;
  let range: monaco.IRange | monaco.languages.CompletionItemRanges = fallback;
  const edit = item.textEdit;
  if (edit !== undefined) {
    insertText = edit.newText;
    range =
      "range" in edit
        ? monacoRange(edit.range)
        : { insert: monacoRange(edit.insert), replace: monacoRange(edit.replace) };
  }
  const result: PlaygroundCompletionItem = {
    label: item.labelDetails
      ? { label: item.label, ...definedOnly({ detail: item.labelDetails.detail, description: item.labelDetails.description }) }
      : item.label,
    kind: COMPLETION_KIND[item.kind ?? 1] ?? K.Text,
    insertText,
    range,
    [LSP_ITEM]: item,
  };
  if (item.insertTextFormat === 2) {
    result.insertTextRules = monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet;
  }
  if (item.sortText !== undefined) result.sortText = item.sortText;
  if (item.filterText !== undefined) result.filterText = item.filterText;
  if (item.preselect !== undefined) result.preselect = item.preselect;
  if (item.commitCharacters !== undefined) result.commitCharacters = item.commitCharacters;
  if (item.deprecated || item.tags?.includes(1)) result.tags = [monaco.languages.CompletionItemTag.Deprecated];
  if (item.additionalTextEdits !== undefined) {
    result.additionalTextEdits = item.additionalTextEdits.map((e) => ({ range: monacoRange(e.range), text: e.newText }));
  }
  applyResolved(result, item);
  return result;
}

/** Copies what completionItem/resolve adds (detail, documentation) onto the Monaco item. */
export function applyResolved(target: monaco.languages.CompletionItem, item: lsp.CompletionItem): void {
  if (item.detail !== undefined && item.detail !== null) target.detail = item.detail;
  if (item.documentation !== undefined && item.documentation !== null) {
    target.documentation = monacoDocumentation(item.documentation);
  }
}

export function monacoDocumentation(doc: string | lsp.MarkupContent): string | monaco.IMarkdownString {
  return typeof doc === "string" ? doc : doc.kind === "markdown" ? { value: doc.value } : doc.value;
}

export function monacoMarkdown(contents: lsp.Hover["contents"]): monaco.IMarkdownString[] {
  const list = Array.isArray(contents) ? contents : [contents];
  return list.map((c) => {
    if (typeof c === "string") return { value: c };
    if ("kind" in c) return { value: c.kind === "markdown" ? c.value : escapeMarkdown(c.value) };
    return { value: `\`\`\`${c.language}\n${c.value}\n\`\`\`` };
  });
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, "\\$&");
}

export function monacoSignatureHelp(help: lsp.SignatureHelp): monaco.languages.SignatureHelp {
  return {
    signatures: help.signatures.map((s) => {
      const signature: monaco.languages.SignatureInformation = {
        label: s.label,
        parameters: (s.parameters ?? []).map((p) => {
          const parameter: monaco.languages.ParameterInformation = { label: p.label };
          if (p.documentation !== undefined) parameter.documentation = monacoDocumentation(p.documentation);
          return parameter;
        }),
      };
      if (s.documentation !== undefined) signature.documentation = monacoDocumentation(s.documentation);
      if (s.activeParameter !== undefined) signature.activeParameter = s.activeParameter;
      return signature;
    }),
    activeSignature: help.activeSignature ?? 0,
    activeParameter: help.activeParameter ?? 0,
  };
}

export function monacoTextEdits(edits: readonly lsp.TextEdit[]): monaco.languages.TextEdit[] {
  return edits.map((e) => ({ range: monacoRange(e.range), text: e.newText }));
}

/**
 * A WorkspaceEdit for Monaco, on the models the page has open (`modelOf`); an edit for a document
 * that is not open is dropped. A versioned edit is refused by Monaco if the model moved on.
 */
export function monacoWorkspaceEdit(
  edit: lsp.WorkspaceEdit,
  modelOf: (uri: string) => Model | undefined,
): monaco.languages.WorkspaceEdit {
  const edits: monaco.languages.IWorkspaceTextEdit[] = [];
  const add = (uri: string, version: number | null | undefined, list: readonly lsp.TextEdit[]) => {
    const model = modelOf(uri);
    if (model === undefined) return console.warn(`an edit for ${uri}, which is not open: dropped`);
    for (const e of list) {
      edits.push({
        resource: model.uri,
        textEdit: { range: monacoRange(e.range), text: e.newText },
        versionId: version ?? undefined,
      });
    }
  };
  for (const change of edit.documentChanges ?? []) {
    if ("textDocument" in change) add(change.textDocument.uri, change.textDocument.version, change.edits);
  }
  for (const [uri, list] of Object.entries(edit.changes ?? {})) add(uri, undefined, list);
  return { edits };
}

function definedOnly<T extends Record<string, unknown>>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}
