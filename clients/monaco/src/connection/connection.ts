/**
 * The page's one connection: the link (reconnecting WebSocket), the JSON-RPC conversation on it,
 * the LSP handshake, notification routing, and the typed `playground/*` wrapper. Every panel talks
 * to the server through this object and nothing else.
 *
 * Each new socket is a new LSP session on the server: `initialize` and `initialized` go first,
 * then the `ready` listeners run (documents re-open, collaboration rejoins, file lists refresh).
 */

import { Link, type LinkState, socketUrl } from "./link";
import { PlaygroundApi, type Notifications } from "./playground";
import { ConnectionClosedError, type CancellationLike, type RpcConnection } from "./rpc";

export interface Disposable {
  dispose(): void;
}

export type ConnectionState =
  | { readonly kind: "connecting"; readonly attempt: number; readonly everConnected: boolean }
  | { readonly kind: "ready" }
  | { readonly kind: "down"; readonly retryAt: number; readonly everConnected: boolean };

/** What the LSP handshake needs from whoever owns it (the LSP adapter). */
export interface Handshake {
  /** Runs on every new socket before anyone else may use it. */
  initialize(connection: RpcConnection): Promise<void>;
}

type Listener<T> = (value: T) => void;

class Listeners<T> {
  private readonly set = new Set<Listener<T>>();
  add(listener: Listener<T>): Disposable {
    this.set.add(listener);
    return { dispose: () => this.set.delete(listener) };
  }
  fire(value: T): void {
    for (const listener of [...this.set]) {
      try {
        listener(value);
      } catch (error) {
        console.error(error);
      }
    }
  }
}

export class Connection {
  readonly api: PlaygroundApi;
  readonly isInvited: boolean;
  private readonly link: Link;
  private readyConnection: RpcConnection | null = null;
  private everConnected = false;
  private stateValue: ConnectionState = { kind: "connecting", attempt: 1, everConnected: false };
  private readonly handshakes: Handshake[] = [];
  private readonly notificationListeners = new Map<string, Listeners<unknown>>();
  private readonly stateListeners = new Listeners<ConnectionState>();
  private readonly readyListeners = new Listeners<RpcConnection>();
  private readonly lostListeners = new Listeners<void>();

  constructor(location: Location) {
    this.isInvited = new URLSearchParams(location.search).has("invite");
    this.api = new PlaygroundApi({ request: (method, params) => this.request(method, params) });
    this.link = new Link(socketUrl(location), (method, params) => this.route(method, params), {
      opened: (connection) => void this.handshake(connection),
      lost: () => this.lost(),
      state: (state) => this.linkState(state),
    });
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** The current conversation once initialized, else null (down, or still in the handshake). */
  get current(): RpcConnection | null {
    return this.readyConnection;
  }

  addHandshake(handshake: Handshake): void {
    this.handshakes.push(handshake);
  }

  start(): void {
    this.link.start();
  }

  /** Tries to reconnect now instead of at the end of the backoff. */
  retryNow(): void {
    this.link.retryNow();
  }

  request(method: string, params?: unknown, token?: CancellationLike): Promise<unknown> {
    const connection = this.readyConnection;
    if (connection === null) {
      return Promise.reject(new ConnectionClosedError("not connected to the server; retrying"));
    }
    return connection.request(method, params, token);
  }

  notify(method: string, params?: unknown): void {
    this.readyConnection?.notify(method, params);
  }

  on<K extends keyof Notifications>(method: K, listener: Listener<Notifications[K]>): Disposable {
    let listeners = this.notificationListeners.get(method);
    if (listeners === undefined) {
      listeners = new Listeners<unknown>();
      this.notificationListeners.set(method, listeners);
    }
    return listeners.add(listener as Listener<unknown>);
  }

  /** Any notification by method name (the LSP adapter's publishDiagnostics, window/*). */
  onAny(method: string, listener: Listener<unknown>): Disposable {
    return this.on(method as keyof Notifications, listener as Listener<Notifications[keyof Notifications]>);
  }

  onState(listener: Listener<ConnectionState>): Disposable {
    return this.stateListeners.add(listener);
  }

  /** Every time a socket is open and initialized: the first time and after each reconnect. */
  onReady(listener: Listener<RpcConnection>): Disposable {
    return this.readyListeners.add(listener);
  }

  onLost(listener: Listener<void>): Disposable {
    return this.lostListeners.add(listener);
  }

  private async handshake(connection: RpcConnection): Promise<void> {
    try {
      for (const handshake of this.handshakes) await handshake.initialize(connection);
    } catch (error) {
      console.error("the LSP handshake failed", error);
      connection.close();
      return;
    }
    if (connection.isClosed) return;
    this.readyConnection = connection;
    this.everConnected = true;
    this.setState({ kind: "ready" });
    this.readyListeners.fire(connection);
  }

  private lost(): void {
    const wasReady = this.readyConnection !== null;
    this.readyConnection = null;
    if (wasReady) this.lostListeners.fire();
  }

  private linkState(state: LinkState): void {
    if (state.kind === "connecting") {
      this.setState({ kind: "connecting", attempt: state.attempt, everConnected: this.everConnected });
    } else if (state.kind === "down") {
      this.setState({ kind: "down", retryAt: state.retryAt, everConnected: this.everConnected });
    }
    // "open" becomes "ready" once the handshake is done.
  }

  private setState(state: ConnectionState): void {
    this.stateValue = state;
    this.stateListeners.fire(state);
  }

  private route(method: string, params: unknown): void {
    const listeners = this.notificationListeners.get(method);
    if (listeners !== undefined) listeners.fire(params);
  }
}
