/**
 * The WebSocket to the server's `/lsp`, opened again by itself with backoff when it drops.
 *
 * Same origin as the page; the server token comes as an HttpOnly cookie, so the page never sees
 * it. A page opened with `?invite=TOKEN` connects with that invitation instead.
 */

import { RpcConnection, type NotificationHandler } from "./rpc";

export type LinkState =
  | { readonly kind: "connecting"; readonly attempt: number }
  | { readonly kind: "open" }
  | { readonly kind: "down"; readonly attempt: number; readonly retryAt: number };

export interface LinkEvents {
  /** A new socket is open: the conversation on it starts from nothing (initialize first). */
  opened(connection: RpcConnection): void;
  /** The socket in use closed; another attempt is scheduled. */
  lost(): void;
  state(state: LinkState): void;
}

const DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000];

export function socketUrl(location: Location): string {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const invite = new URLSearchParams(location.search).get("invite");
  const query = invite ? `?invite=${encodeURIComponent(invite)}` : "";
  return `${scheme}://${location.host}/lsp${query}`;
}

export class Link {
  private attempt = 0;
  private current: RpcConnection | null = null;
  private timer: number | undefined;

  constructor(
    private readonly url: string,
    private readonly onNotification: NotificationHandler,
    private readonly events: LinkEvents,
  ) {}

  get connection(): RpcConnection | null {
    return this.current;
  }

  start(): void {
    this.connect();
    // A laptop waking up or a tab coming back: try at once rather than at the end of a backoff.
    window.addEventListener("online", () => this.retryNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.retryNow();
    });
  }

  /** Skips the wait when the link is down. */
  retryNow(): void {
    if (this.current !== null || this.timer === undefined) return;
    window.clearTimeout(this.timer);
    this.timer = undefined;
    this.connect();
  }

  private connect(): void {
    this.attempt++;
    this.events.state({ kind: "connecting", attempt: this.attempt });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      console.error("could not open the WebSocket", error);
      this.scheduleRetry();
      return;
    }
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
      this.attempt = 0;
      const connection = new RpcConnection(socket, this.onNotification);
      this.current = connection;
      this.events.state({ kind: "open" });
      this.events.opened(connection);
    });
    socket.addEventListener("close", (event) => {
      if (opened) {
        console.warn(`the connection closed (${event.code}${event.reason ? `: ${event.reason}` : ""})`);
        this.current = null;
        this.events.lost();
      }
      this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.timer !== undefined) return;
    const base = DELAYS_MS[Math.min(this.attempt, DELAYS_MS.length - 1)] ?? 8000;
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.events.state({ kind: "down", attempt: this.attempt, retryAt: Date.now() + delay });
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      this.connect();
    }, delay);
  }
}
