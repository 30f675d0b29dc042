/**
 * The server's lessons (docs/protocol.md, "Lessons and templates") behind `LessonSource`, read
 * tolerantly: a server without `playground/templates` answers `list()` with null, and a field
 * missing from an answer takes a default rather than breaking the panel.
 */

import type { Connection } from "./connection";
import { METHOD_NOT_FOUND, RpcError } from "./rpc";

export interface LessonSummary {
  readonly id: string;
  readonly title: string;
  readonly language: string;
  readonly category: string;
  readonly difficulty: string;
  readonly summary: string;
  readonly hints: number;
}

export interface LessonCheck {
  readonly entry: string;
  readonly stdin: string;
  readonly files: Readonly<Record<string, string>>;
  readonly displays: boolean;
}

export interface LessonDetail extends LessonSummary {
  readonly description: string;
  readonly entry: string;
  readonly files: Readonly<Record<string, string>>;
  readonly check: LessonCheck;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly displays: readonly string[];
}

export interface Verdict {
  readonly passed: boolean;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
}

/** The lessons as the server offers them; `list` answers null when it offers none. */
export interface LessonSource {
  list(): Promise<LessonSummary[] | null>;
  get(id: string): Promise<LessonDetail>;
  hint(id: string, index: number): Promise<string>;
  solution(id: string): Promise<Record<string, string>>;
  check(id: string, result: RunResult): Promise<Verdict>;
}

type Raw = Record<string, unknown>;

function str(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : fallback;
}

function record(value: unknown): Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Raw) : {};
}

function textFiles(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(record(value)).map(([k, v]) => [k, str(v)]));
}

function parseSummary(raw: unknown): LessonSummary | null {
  const r = record(raw);
  const id = str(r.id);
  if (id === "") return null;
  return {
    id,
    title: str(r.title, id),
    language: str(r.language, "python"),
    category: str(r.category, "other"),
    difficulty: str(r.difficulty),
    summary: str(r.summary),
    hints: typeof r.hints === "number" ? r.hints : Array.isArray(r.hints) ? r.hints.length : 0,
  };
}

export function serverLessons(connection: Connection): LessonSource {
  const call = (method: string, params: object) => connection.api.call(method, params);
  return {
    async list() {
      try {
        const answer = await call("playground/templates", {});
        const items = Array.isArray(answer) ? answer : record(answer).templates;
        return Array.isArray(items) ? items.map(parseSummary).filter((l): l is LessonSummary => l !== null) : [];
      } catch (error) {
        if (error instanceof RpcError && error.code === METHOD_NOT_FOUND) return null;
        throw error;
      }
    },
    async get(id) {
      const r = record(await call("playground/templates/get", { id }));
      const summary = parseSummary(r) ?? { id, title: id, language: "python", category: "other", difficulty: "", summary: "", hints: 0 };
      const files = textFiles(r.files);
      const entry = str(r.entry, Object.keys(files)[0] ?? "main.py");
      const check = record(r.check);
      return {
        ...summary,
        description: str(r.description),
        entry,
        files,
        check: {
          entry: str(check.entry, entry),
          stdin: str(check.stdin),
          files: textFiles(check.files),
          displays: Array.isArray(check.displays) && check.displays.length > 0,
        },
      };
    },
    async hint(id, index) {
      return str(record(await call("playground/templates/hint", { id, index })).text);
    },
    async solution(id) {
      return textFiles(record(await call("playground/templates/solution", { id })).files);
    },
    async check(id, result) {
      const r = record(
        await call("playground/templates/check", {
          id,
          stdout: result.stdout,
          stderr: result.stderr,
          exitCode: result.exitCode,
          displays: [...result.displays],
        }),
      );
      const verdict: { passed: boolean; message: string; expected?: string; actual?: string } = {
        passed: r.passed === true,
        message: str(r.message, r.passed === true ? "Passed." : "Not yet."),
      };
      if (r.expected !== undefined && r.expected !== null) verdict.expected = str(r.expected);
      if (r.actual !== undefined && r.actual !== null) verdict.actual = str(r.actual);
      return verdict;
    },
  };
}
