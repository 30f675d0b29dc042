/**
 * API keys for runs with a real model, kept in VS Code's secret storage (never settings.json).
 * A run of a local file with keys sends them (`keys` in `playground/run`) with
 * `limits.network: true`; the server gives them to the program's environment only, and keeps
 * them out of traces, recordings and logs (docs/trace.md, Keys and network).
 */

import * as vscode from "vscode";
import { isRecord } from "../rpc";

const SECRET = "lionagiPlayground.apiKeys";
const NAME = /^[A-Z][A-Z0-9_]*_API_KEY$/;
const VALUE = /^[\x21-\x7e]{1,512}$/;
const MOST = 8;
const COMMON = ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GROQ_API_KEY", "OPENROUTER_API_KEY", "PERPLEXITY_API_KEY"];

export class ApiKeys {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The stored keys, by name (empty when none). */
  async all(): Promise<Record<string, string>> {
    const stored = await this.secrets.get(SECRET);
    if (!stored) return {};
    try {
      const parsed: unknown = JSON.parse(stored);
      if (!isRecord(parsed)) return {};
      const keys: Record<string, string> = {};
      for (const [name, value] of Object.entries(parsed)) {
        if (NAME.test(name) && typeof value === "string" && VALUE.test(value)) keys[name] = value;
      }
      return keys;
    } catch {
      return {};
    }
  }

  /** Set API Key...: a name (one of the usual ones, or another), then the key. */
  async ask(): Promise<void> {
    const keys = await this.all();
    const other = "Another name…";
    const picked = await vscode.window.showQuickPick(
      [...COMMON.map((name) => ({ label: name, description: name in keys ? "stored" : "" })), { label: other, description: "" }],
      { title: "Set an API key", placeHolder: "The environment variable the program reads" },
    );
    if (picked === undefined) return;
    let name = picked.label;
    if (name === other) {
      const typed = await vscode.window.showInputBox({
        title: "Set an API key: its name",
        prompt: "Capitals, ending in _API_KEY",
        validateInput: (v) => (NAME.test(v.trim()) ? null : "Capitals, digits and _, ending in _API_KEY"),
      });
      if (typed === undefined) return;
      name = typed.trim();
    }
    if (!(name in keys) && Object.keys(keys).length >= MOST) {
      void vscode.window.showErrorMessage(`lionagi Playground: at most ${MOST} keys; remove some first.`);
      return;
    }
    const value = await vscode.window.showInputBox({
      title: `Set ${name}`,
      prompt: "Kept in VS Code's secret storage; sent only with runs of your own files",
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (VALUE.test(v.trim()) ? null : "Printable characters without spaces, at most 512"),
    });
    if (value === undefined) return;
    await this.secrets.store(SECRET, JSON.stringify({ ...keys, [name]: value.trim() }));
    void vscode.window.showInformationMessage(
      `lionagi Playground: ${name} stored. Runs of your files now use the real model (the server needs --allow-network).`,
    );
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET);
    void vscode.window.showInformationMessage("lionagi Playground: API keys removed; runs use the offline model again.");
  }
}

/** The run's parameters with the keys, network and (if asked) recording. */
export function withKeys(params: Record<string, unknown>, keys: Record<string, string>, record: boolean): Record<string, unknown> {
  if (Object.keys(keys).length === 0) return params;
  const limits = isRecord(params.limits) ? params.limits : {};
  return { ...params, keys, limits: { ...limits, network: true }, ...(record ? { record: true } : {}) };
}
