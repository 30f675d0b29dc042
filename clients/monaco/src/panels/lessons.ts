/**
 * The lessons panel: the server's lessons by language, category and difficulty; Start makes a
 * playground of a lesson's files; its hints come one at a time; Check runs the learner's files
 * with the lesson's check (its entry, stdin and extra files) and asks the server for the verdict
 * (docs/protocol.md, "Lessons and templates").
 *
 * A server without lessons makes the panel say so; nothing else on the page changes.
 */

import type { Connection } from "../connection/connection";
import type { RunExit } from "../connection/playground";
import { describeError } from "../connection/rpc";
import { fill, h } from "../dom";
import type { Page } from "../page";
import type { LessonDetail, LessonSource, LessonSummary, RunResult } from "../connection/lessons";
import { prose, proseInline } from "./prose";

const LESSON_OF = "playground-lesson:";

/**
 * `filesText` gives the playground's files as the server has them now (the learner's work); the
 * check runs them privately with the lesson's check files added. The list is asked for once
 * `after` resolves (the first file is in front): the first paint does not wait for it.
 */
export function mountLessons(
  root: HTMLElement,
  page: Page,
  connection: Connection,
  source: LessonSource,
  filesText: () => Promise<Record<string, string>>,
  after: Promise<void> = Promise.resolve(),
): void {
  const filter = h("select", { "data-testid": "lesson-language", "aria-label": "Language" });
  const list = h("div", { className: "lesson-list", "data-testid": "lessons" });
  const detail = h("div", { className: "lesson-detail", "data-testid": "lesson-detail", hidden: true });
  const error = h("div", { className: "panel-error", "data-testid": "lessons-error", role: "alert", hidden: true });
  root.append(h("div", { className: "panel-title" }, h("span", {}, "Lessons"), filter), error, detail, list);

  let lessons: LessonSummary[] = [];
  let loaded = false;
  let shownFor: string | null = null;

  const showError = (message: string | null) => {
    error.hidden = message === null;
    error.textContent = message ?? "";
  };

  /** The lesson this playground was started from: remembered by this browser, or by its title. */
  const currentLesson = (): LessonSummary | undefined => {
    const view = page.view;
    if (view === null) return undefined;
    let id: string | null = null;
    try {
      id = localStorage.getItem(LESSON_OF + view.playground);
    } catch {
      id = null;
    }
    return lessons.find((l) => l.id === id) ?? lessons.find((l) => l.title === view.title);
  };

  const start = async (lesson: LessonSummary, button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      const full = await source.get(lesson.id);
      const made = await connection.api.create(full.title, { ...full.files });
      try {
        localStorage.setItem(LESSON_OF + made.playground, lesson.id);
      } catch {
        // found again by its title
      }
      location.hash = `p=${encodeURIComponent(made.playground)}`;
      location.reload();
    } catch (err) {
      showError(`Could not start the lesson: ${describeError(err)}`);
      button.disabled = false;
    }
  };

  /** Runs the learner's files with the lesson's check; collects what the run printed. */
  const runCheck = async (lesson: LessonDetail): Promise<RunResult> => {
    const files = { ...(await filesText()), ...lesson.check.files };
    const started = await connection.api.runFiles(files, lesson.check.entry, lesson.check.stdin);
    return new Promise((resolve, reject) => {
      let stdout = "";
      let stderr = "";
      const displays: string[] = [];
      const subscriptions = [
        connection.on("playground/output", (p) => {
          if (p.runId !== started.runId) return;
          if (p.stream === "stderr") stderr += p.text;
          else stdout += p.text;
        }),
        connection.on("playground/display", (p) => {
          if (p.runId === started.runId) displays.push(p.mime);
        }),
        connection.on("playground/exit", (p: RunExit) => {
          if (p.runId !== started.runId) return;
          done();
          if (p.status === "cancelled") reject(new Error("the check's run was stopped (another run started?)"));
          else resolve({ stdout, stderr, exitCode: p.exitCode, displays });
        }),
        connection.onLost(() => {
          done();
          reject(new Error("the connection dropped during the check"));
        }),
      ];
      const done = () => subscriptions.forEach((s) => s.dispose());
    });
  };

  const renderDetail = async () => {
    const summary = currentLesson();
    if (summary === undefined) {
      detail.hidden = true;
      shownFor = null;
      return;
    }
    if (shownFor === summary.id) return;
    shownFor = summary.id;
    let lesson: LessonDetail;
    try {
      lesson = await source.get(summary.id);
    } catch (err) {
      showError(`Could not load the lesson: ${describeError(err)}`);
      return;
    }
    let shown = 0;
    const hints = h("ol", { className: "hints", "data-testid": "lesson-hints" });
    const hintButton = h("button", { type: "button", "data-testid": "lesson-hint" });
    const result = h("div", { className: "lesson-result", "data-testid": "lesson-result", "aria-live": "polite", hidden: true });
    const checkButton = h("button", { type: "button", className: "primary", "data-testid": "lesson-check" }, "Check");
    const solution = h("details", { className: "lesson-solution", "data-testid": "lesson-solution" }, h("summary", {}, "Show a solution"));
    const renderHintButton = () => {
      hintButton.hidden = shown >= lesson.hints;
      hintButton.textContent = `Show a hint (${shown + 1} of ${lesson.hints})`;
    };
    hintButton.addEventListener("click", async () => {
      hintButton.disabled = true;
      try {
        hints.append(h("li", { "data-testid": "lesson-hint-text" }, ...proseInline(await source.hint(lesson.id, shown))));
        shown++;
        renderHintButton();
      } catch (err) {
        showError(`No hint: ${describeError(err)}`);
      } finally {
        hintButton.disabled = false;
      }
    });
    solution.addEventListener("toggle", async () => {
      if (!solution.open || solution.dataset.loaded) return;
      solution.dataset.loaded = "1";
      try {
        const files = await source.solution(lesson.id);
        solution.append(...Object.entries(files).flatMap(([path, text]) => [h("div", { className: "lesson-meta" }, path), h("pre", {}, text)]));
      } catch (err) {
        solution.append(h("p", {}, `No solution: ${describeError(err)}`));
      }
    });
    checkButton.addEventListener("click", async () => {
      checkButton.disabled = true;
      result.hidden = false;
      result.dataset.passed = "";
      fill(result, "Running your program with the lesson's check…");
      try {
        const verdict = await source.check(lesson.id, await runCheck(lesson));
        result.dataset.passed = String(verdict.passed);
        fill(result,
          h("strong", {}, verdict.passed ? "✓ Passed" : "✗ Not yet"),
          h("p", {}, verdict.message),
          verdict.expected !== undefined ? h("details", { open: !verdict.passed }, h("summary", {}, "Expected"), h("pre", {}, verdict.expected)) : null,
          verdict.actual !== undefined ? h("details", { open: !verdict.passed }, h("summary", {}, "Your program"), h("pre", {}, verdict.actual)) : null,
        );
      } catch (err) {
        result.dataset.passed = "false";
        fill(result, `Could not check: ${describeError(err)}`);
      } finally {
        checkButton.disabled = false;
      }
    });
    renderHintButton();
    fill(detail,
      h("h3", {}, lesson.title),
      h("div", { className: "lesson-meta" }, [lesson.language, lesson.category, lesson.difficulty].filter(Boolean).join(" · ")),
      prose(lesson.description || lesson.summary),
      hints,
      h("div", { className: "row" }, hintButton, checkButton),
      result,
      solution,
    );
    detail.hidden = false;
    page.post({ kind: "sidebar", panel: "lessons" });
  };

  const renderList = () => {
    const language = filter.value;
    const shown = lessons.filter((l) => language === "" || l.language === language);
    const byCategory = new Map<string, LessonSummary[]>();
    for (const lesson of shown) byCategory.set(lesson.category, [...(byCategory.get(lesson.category) ?? []), lesson]);
    const owner = page.view?.owner ?? false;
    fill(list,
      ...[...byCategory.entries()].map(([category, items]) =>
        h("section", { className: "lesson-category" },
          h("h4", {}, category),
          ...items.map((lesson) => {
            const startButton = owner ? h("button", { type: "button", "data-testid": "lesson-open" }, "Start") : null;
            startButton?.addEventListener("click", () => void start(lesson, startButton));
            return h("div", { className: "lesson", "data-testid": "lesson", "data-id": lesson.id, title: lesson.summary },
              h("div", { className: "lesson-title" }, lesson.title),
              h("div", { className: "lesson-meta" }, [lesson.language, lesson.difficulty].filter(Boolean).join(" · ")),
              startButton,
            );
          }),
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
        fill(list, h("p", { className: "muted", "data-testid": "lessons-unavailable" }, "This server offers no lessons yet."));
        filter.hidden = true;
        return;
      }
      lessons = found;
      const languages = [...new Set(lessons.map((l) => l.language))].sort();
      fill(filter, h("option", { value: "" }, "All languages"), ...languages.map((l) => h("option", { value: l }, l)));
      showError(null);
      renderList();
      void renderDetail();
    } catch (err) {
      showError(`Lessons could not be loaded: ${describeError(err)}`);
    }
  };

  filter.addEventListener("change", renderList);
  connection.onReady(() => void after.then(load));
  page.on((event) => {
    if (event.kind === "playground") {
      renderList();
      void renderDetail();
    }
  });
  if (connection.current !== null) void after.then(load);
}
