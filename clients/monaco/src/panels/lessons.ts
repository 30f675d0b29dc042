/**
 * The lessons panel: lessons by language, category and difficulty; opening one makes a playground
 * of its files; its hints are revealed one at a time; Check asks the server whether the program
 * does what the lesson wants.
 *
 * The server side (`playground/templates`, `playground/templates/check`) is being built beside
 * this page; everything it answers goes through `LessonSource`, which reads it tolerantly and
 * says "not available" when the method is missing, so the rest of the page never depends on it.
 */

import type { Connection } from "../connection/connection";
import { METHOD_NOT_FOUND, RpcError, describeError } from "../connection/rpc";
import { fill, h } from "../dom";
import type { Page } from "../page";

export interface Lesson {
  readonly id: string;
  readonly title: string;
  readonly language: string;
  readonly category: string;
  readonly difficulty: string;
  readonly description: string;
  readonly hints: readonly string[];
  readonly files: Readonly<Record<string, string>>;
  readonly entry: string;
}

export interface CheckResult {
  readonly passed: boolean;
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
}

/** The lessons as the server offers them; null when this server has none to offer. */
export interface LessonSource {
  list(): Promise<Lesson[] | null>;
  check(lesson: Lesson, playground: string): Promise<CheckResult>;
}

function str(value: unknown, fallback = ""): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : fallback;
}

function parseLesson(raw: unknown): Lesson | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const id = str(r.id ?? r.name ?? r.slug);
  if (id === "") return null;
  let files: Record<string, string> = {};
  if (Array.isArray(r.files)) {
    for (const f of r.files as unknown[]) {
      const file = f as Record<string, unknown> | null;
      if (file && typeof file.path === "string") files[file.path] = str(file.text ?? file.content);
    }
  } else if (typeof r.files === "object" && r.files !== null) {
    files = Object.fromEntries(Object.entries(r.files as Record<string, unknown>).map(([k, v]) => [k, str(v)]));
  }
  const entry = str(r.entry, Object.keys(files)[0] ?? "main.py");
  return {
    id,
    title: str(r.title, id),
    language: str(r.language, "python"),
    category: str(r.category, "General"),
    difficulty: str(r.difficulty, ""),
    description: str(r.description ?? r.summary ?? r.instructions),
    hints: Array.isArray(r.hints) ? (r.hints as unknown[]).map((x) => str(x)).filter((x) => x !== "") : [],
    files,
    entry,
  };
}

function parseCheck(raw: unknown): CheckResult {
  const r = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const passed = r.passed === true || r.ok === true || r.status === "passed";
  const result: { passed: boolean; message: string; expected?: string; actual?: string } = {
    passed,
    message: str(r.message ?? r.summary, passed ? "Passed." : "Not yet."),
  };
  if (r.expected !== undefined) result.expected = str(r.expected);
  const actual = r.actual ?? r.got ?? r.output;
  if (actual !== undefined) result.actual = str(actual);
  return result;
}

export function serverLessons(connection: Connection): LessonSource {
  return {
    async list() {
      try {
        const answer = await connection.api.call("playground/templates", {});
        const items = Array.isArray(answer)
          ? answer
          : ((answer as Record<string, unknown> | null)?.templates ?? (answer as Record<string, unknown> | null)?.lessons);
        return Array.isArray(items) ? items.map(parseLesson).filter((l): l is Lesson => l !== null) : [];
      } catch (error) {
        if (error instanceof RpcError && error.code === METHOD_NOT_FOUND) return null;
        throw error;
      }
    },
    async check(lesson, playground) {
      return parseCheck(await connection.api.call("playground/templates/check", { id: lesson.id, playground }));
    },
  };
}

const LESSON_OF = "playground-lesson:";

export function mountLessons(root: HTMLElement, page: Page, connection: Connection, source: LessonSource): void {
  const filter = h("select", { "data-testid": "lesson-language", "aria-label": "Language" });
  const list = h("div", { className: "lesson-list", "data-testid": "lessons" });
  const detail = h("div", { className: "lesson-detail", "data-testid": "lesson-detail", hidden: true });
  const error = h("div", { className: "panel-error", "data-testid": "lessons-error", hidden: true });
  root.append(h("div", { className: "panel-title" }, h("span", {}, "Lessons"), filter), error, detail, list);

  let lessons: Lesson[] = [];
  let loaded = false;

  const showError = (message: string | null) => {
    error.hidden = message === null;
    error.textContent = message ?? "";
  };

  const currentLesson = (): Lesson | undefined => {
    const view = page.view;
    if (view === null) return undefined;
    let id: string | null = null;
    try {
      id = localStorage.getItem(LESSON_OF + view.playground);
    } catch {
      id = null;
    }
    return lessons.find((l) => l.id === id);
  };

  const start = async (lesson: Lesson) => {
    try {
      const made = await connection.api.create(lesson.title, { ...lesson.files });
      try {
        localStorage.setItem(LESSON_OF + made.playground, lesson.id);
      } catch {
        // the lesson panel will not know which lesson this is after a reload
      }
      location.hash = `p=${encodeURIComponent(made.playground)}`;
      location.reload();
    } catch (err) {
      showError(`Could not open the lesson: ${describeError(err)}`);
    }
  };

  const renderDetail = () => {
    const lesson = currentLesson();
    detail.hidden = lesson === undefined;
    if (lesson === undefined) return;
    let shown = 0;
    const hints = h("ol", { className: "hints", "data-testid": "lesson-hints" });
    const hintButton = h("button", { type: "button", "data-testid": "lesson-hint" });
    const result = h("div", { className: "lesson-result", "data-testid": "lesson-result", hidden: true });
    const checkButton = h("button", { type: "button", className: "primary", "data-testid": "lesson-check" }, "Check");
    const renderHintButton = () => {
      hintButton.hidden = shown >= lesson.hints.length;
      hintButton.textContent = `Show a hint (${shown + 1} of ${lesson.hints.length})`;
    };
    hintButton.addEventListener("click", () => {
      const hint = lesson.hints[shown];
      if (hint === undefined) return;
      hints.append(h("li", { "data-testid": "lesson-hint-text" }, hint));
      shown++;
      renderHintButton();
    });
    checkButton.addEventListener("click", async () => {
      const view = page.view;
      if (view === null) return;
      checkButton.disabled = true;
      result.hidden = false;
      result.dataset.passed = "";
      result.replaceChildren("Checking…");
      try {
        const check = await source.check(lesson, view.playground);
        result.dataset.passed = String(check.passed);
        fill(result,
          h("strong", {}, check.passed ? "✓ Passed" : "✗ Not yet"),
          h("p", {}, check.message),
          check.expected !== undefined ? h("details", { open: !check.passed }, h("summary", {}, "Expected"), h("pre", {}, check.expected)) : null,
          check.actual !== undefined ? h("details", { open: !check.passed }, h("summary", {}, "Your program printed"), h("pre", {}, check.actual)) : null,
        );
      } catch (err) {
        result.dataset.passed = "false";
        result.replaceChildren(`Could not check: ${describeError(err)}`);
      } finally {
        checkButton.disabled = false;
      }
    });
    renderHintButton();
    fill(detail,
      h("h3", {}, lesson.title),
      h("div", { className: "lesson-meta" }, `${lesson.language} · ${lesson.category}${lesson.difficulty ? ` · ${lesson.difficulty}` : ""}`),
      lesson.description ? h("p", { className: "lesson-description" }, lesson.description) : null,
      hints,
      h("div", { className: "row" }, hintButton, checkButton),
      result,
    );
  };

  const renderList = () => {
    const language = filter.value;
    const shown = lessons.filter((l) => language === "" || l.language === language);
    const byCategory = new Map<string, Lesson[]>();
    for (const lesson of shown) byCategory.set(lesson.category, [...(byCategory.get(lesson.category) ?? []), lesson]);
    const owner = page.view?.owner ?? false;
    list.replaceChildren(
      ...[...byCategory.entries()].map(([category, items]) =>
        h("section", { className: "lesson-category" },
          h("h4", {}, category),
          ...items.map((lesson) =>
            h("div", { className: "lesson", "data-testid": "lesson", "data-id": lesson.id },
              h("div", { className: "lesson-title" }, lesson.title),
              h("div", { className: "lesson-meta" }, `${lesson.language}${lesson.difficulty ? ` · ${lesson.difficulty}` : ""}`),
              owner
                ? h("button", { type: "button", "data-testid": "lesson-open", onclick: () => void start(lesson) }, "Start")
                : null,
            ),
          ),
        ),
      ),
    );
  };

  const load = async () => {
    if (loaded) return;
    try {
      const found = await source.list();
      loaded = true;
      if (found === null) {
        list.replaceChildren(h("p", { className: "muted", "data-testid": "lessons-unavailable" }, "This server offers no lessons yet."));
        filter.hidden = true;
        return;
      }
      lessons = found;
      const languages = [...new Set(lessons.map((l) => l.language))].sort();
      filter.replaceChildren(h("option", { value: "" }, "All languages"), ...languages.map((l) => h("option", { value: l }, l)));
      showError(null);
      renderList();
      renderDetail();
    } catch (err) {
      showError(`Lessons could not be loaded: ${describeError(err)}`);
    }
  };

  filter.addEventListener("change", renderList);
  connection.onReady(() => void load());
  page.on((event) => {
    if (event.kind === "playground") {
      renderList();
      renderDetail();
    }
  });
  if (connection.current !== null) void load();
}
