/**
 * What this browser remembers between visits, read at start-up before the editor loads: the
 * name the others see (localStorage) and the tabs open in each playground (sessionStorage).
 */

const NAME_KEY = "playground-name";
const TABS_KEY = "playground-tabs:";

/** The name shown to the others: remembered, or made up once. */
export function participantName(): string {
  try {
    const stored = localStorage.getItem(NAME_KEY);
    if (stored) return stored;
    const made = `Guest ${Math.floor(1000 + Math.random() * 9000)}`;
    localStorage.setItem(NAME_KEY, made);
    return made;
  } catch {
    return "Guest";
  }
}

export function rememberName(name: string): void {
  try {
    localStorage.setItem(NAME_KEY, name);
  } catch {
    // not remembered
  }
}

export interface RememberedTabs {
  readonly open: string[];
  readonly active: string | null;
}

/** The tabs the page had open in this playground before a reload, if any. */
export function rememberedTabs(playground: string): RememberedTabs | null {
  try {
    const raw = sessionStorage.getItem(TABS_KEY + playground);
    if (raw === null) return null;
    const value = JSON.parse(raw) as { open?: unknown; active?: unknown };
    const open = Array.isArray(value.open) ? value.open.filter((p): p is string => typeof p === "string") : [];
    return { open, active: typeof value.active === "string" ? value.active : null };
  } catch {
    return null;
  }
}

export function rememberTabs(playground: string, tabs: RememberedTabs): void {
  try {
    sessionStorage.setItem(TABS_KEY + playground, JSON.stringify(tabs));
  } catch {
    // private mode: tabs are not restored
  }
}

/**
 * The tabs to open in a playground with these files, the active one last: the remembered ones
 * that still exist, else main.py (or the first file).
 */
export function initialTabs(playground: string, files: readonly string[]): string[] {
  const remembered = rememberedTabs(playground);
  const tabs = (remembered?.open ?? []).filter((p) => files.includes(p));
  const first = files.includes("main.py") ? "main.py" : files[0];
  if (tabs.length === 0 && first !== undefined) tabs.push(first);
  const active = remembered?.active && tabs.includes(remembered.active) ? remembered.active : tabs[tabs.length - 1];
  if (active === undefined) return [];
  return [...tabs.filter((p) => p !== active), active];
}
