/**
 * One JSON-RPC 2.0 conversation over one WebSocket: one message per text frame, requests with
 * numeric ids, notifications, and the few requests the server sends the client.
 *
 * A request whose socket closes is rejected with ConnectionClosedError, which has no numeric
 * `code`: CollabSession tells a transport failure (resend later) from the server's refusal
 * (RpcError, with the JSON-RPC code) by exactly that.
 */

export class RpcError extends Error {
  override name = "RpcError";
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

export class ConnectionClosedError extends Error {
  override name = "ConnectionClosedError";
}

export const METHOD_NOT_FOUND = -32601;
export const REQUEST_CANCELLED = -32800;

export interface CancellationLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

export type NotificationHandler = (method: string, params: unknown) => void;
export type ServerRequestHandler = (params: unknown) => unknown;

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export class RpcConnection {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly serverRequests = new Map<string, ServerRequestHandler>();
  private closedValue = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly onNotification: NotificationHandler,
  ) {
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", () => this.closed());
  }

  get isClosed(): boolean {
    return this.closedValue;
  }

  request(method: string, params?: unknown, token?: CancellationLike): Promise<unknown> {
    if (this.closedValue) return Promise.reject(new ConnectionClosedError(`${method}: not connected`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // An editor gives up on a request (the completion list closed): tell the server, which
      // drops it if it has not started yet and answers RequestCancelled.
      const listener = token?.onCancellationRequested(() => {
        if (this.pending.has(id)) this.notify("$/cancelRequest", { id });
      });
      this.pending.set(id, {
        resolve: (value) => (listener?.dispose(), resolve(value)),
        reject: (error) => (listener?.dispose(), reject(error)),
      });
      this.send({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) });
    });
  }

  notify(method: string, params?: unknown): void {
    if (this.closedValue) return;
    this.send({ jsonrpc: "2.0", method, ...(params === undefined ? {} : { params }) });
  }

  /** Answers the server's own requests (client/registerCapability, workspace/applyEdit, ...). */
  handleServerRequest(method: string, handler: ServerRequestHandler): void {
    this.serverRequests.set(method, handler);
  }

  close(): void {
    this.socket.close();
    this.closed();
  }

  private send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  private receive(data: unknown): void {
    if (typeof data !== "string") return console.warn("a binary frame from the server, ignored");
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return console.warn("a frame that is not JSON from the server, ignored");
    }
    if (typeof message !== "object" || message === null) return;
    const { id, method } = message;
    if (typeof method === "string") {
      if (id === undefined || id === null) this.onNotification(method, message.params);
      else void this.answer(id, method, message.params);
      return;
    }
    if (typeof id !== "number") return;
    const pending = this.pending.get(id);
    if (pending === undefined) return;
    this.pending.delete(id);
    const error = message.error as { code?: unknown; message?: unknown; data?: unknown } | undefined;
    if (error !== undefined && error !== null) {
      const code = typeof error.code === "number" ? error.code : -32603;
      const text = typeof error.message === "string" ? error.message : "the server refused";
      pending.reject(new RpcError(code, text, error.data));
    } else {
      pending.resolve(message.result ?? null);
    }
  }

  private async answer(id: unknown, method: string, params: unknown): Promise<void> {
    const handler = this.serverRequests.get(method);
    if (handler === undefined) {
      this.send({ jsonrpc: "2.0", id, error: { code: METHOD_NOT_FOUND, message: `${method} is not handled by this client` } });
      return;
    }
    try {
      const result = await handler(params);
      if (!this.closedValue) this.send({ jsonrpc: "2.0", id, result: result ?? null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.closedValue) this.send({ jsonrpc: "2.0", id, error: { code: -32603, message } });
    }
  }

  private closed(): void {
    if (this.closedValue) return;
    this.closedValue = true;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new ConnectionClosedError("the connection closed"));
  }
}

/** One short sentence for the user out of whatever a request failed with. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : JSON.stringify(error);
}
