/**
 * What the panels share without knowing each other: which playground the page shows, its files,
 * the file in front, and a few requests any panel may make (open a file, run, stop, "save").
 * Panels post and listen here; only main.ts knows them all.
 */

import type { Role } from "./connection/playground";

export interface PlaygroundView {
  readonly playground: string;
  readonly title: string;
  readonly role: Role;
  /** The page came with the server token (not an invitation): it may create and invite. */
  readonly owner: boolean;
}

export type PageEvent =
  | { readonly kind: "playground"; readonly view: PlaygroundView }
  | { readonly kind: "files"; readonly paths: readonly string[] }
  | { readonly kind: "active"; readonly path: string | null }
  | { readonly kind: "open"; readonly path: string }
  | { readonly kind: "closed"; readonly path: string }
  | { readonly kind: "renamed"; readonly path: string; readonly newPath: string }
  | { readonly kind: "run" }
  | { readonly kind: "stop" }
  | { readonly kind: "save" }
  | { readonly kind: "theme"; readonly theme: Theme }
  /** The run panel shows a new run from now on (one's own or someone else's shared run). */
  | { readonly kind: "runBegan"; readonly runId: string; readonly entry: string; readonly own: boolean }
  /** A line for the console from another panel (a recording saved). */
  | { readonly kind: "note"; readonly text: string; readonly tone: "dim" | "green" | "red" | "yellow" }
  /** A panel has something to show in the sidebar (a lesson's details). */
  | { readonly kind: "sidebar"; readonly panel: "files" | "lessons" };

export type Theme = "dark" | "light";

type Listener = (event: PageEvent) => void;

export class Page {
  private viewValue: PlaygroundView | null = null;
  private filesValue: readonly string[] = [];
  private activeValue: string | null = null;
  private themeValue: Theme;
  private readonly listeners = new Set<Listener>();

  constructor(theme: Theme) {
    this.themeValue = theme;
  }

  get view(): PlaygroundView | null {
    return this.viewValue;
  }

  get files(): readonly string[] {
    return this.filesValue;
  }

  get active(): string | null {
    return this.activeValue;
  }

  get theme(): Theme {
    return this.themeValue;
  }

  get canEdit(): boolean {
    return this.viewValue?.role === "edit";
  }

  on(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  post(event: PageEvent): void {
    switch (event.kind) {
      case "playground":
        this.viewValue = event.view;
        break;
      case "files":
        this.filesValue = [...event.paths].sort();
        break;
      case "active":
        this.activeValue = event.path;
        break;
      case "theme":
        this.themeValue = event.theme;
        break;
      default:
        break;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        console.error(error);
      }
    }
  }
}
