/**
 * JSON-RPC over a WebSocket for vscode-jsonrpc: one message per text frame, no Content-Length
 * (docs/protocol.md, Connecting). Editors send no Origin header, so only the invitation (or
 * the token) in the URL decides.
 */

import {
  AbstractMessageReader,
  AbstractMessageWriter,
  type DataCallback,
  Disposable,
  type Message,
  type MessageTransports,
} from "vscode-languageclient/node";
import WebSocket from "ws";

const OPEN_TIMEOUT_MS = 15_000;

class SocketReader extends AbstractMessageReader {
  private callback: DataCallback | null = null;
  private readonly early: Message[] = [];

  constructor(socket: WebSocket) {
    super();
    socket.on("message", (data, isBinary) => {
      let message: Message;
      try {
        message = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString("utf8") : data.toString()) as Message;
      } catch (error) {
        this.fireError(error);
        return;
      }
      if (this.callback === null) this.early.push(message);
      else this.callback(message);
    });
    socket.on("error", (error) => this.fireError(error));
    socket.on("close", () => this.fireClose());
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    for (const message of this.early.splice(0)) callback(message);
    return Disposable.create(() => {
      this.callback = null;
    });
  }
}

class SocketWriter extends AbstractMessageWriter {
  private errors = 0;

  constructor(private readonly socket: WebSocket) {
    super();
  }

  write(message: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState !== WebSocket.OPEN) {
        const error = new Error("the playground connection is closed");
        this.fireError(error, message, ++this.errors);
        reject(error);
        return;
      }
      this.socket.send(JSON.stringify(message), (error) => {
        if (error) {
          this.fireError(error, message, ++this.errors);
          reject(error);
        } else {
          resolve();
        }
      });
    });
  }

  end(): void {
    this.socket.close(1000);
  }
}

/** Opens the socket; rejects with one sentence a person can act on. */
export function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { handshakeTimeout: OPEN_TIMEOUT_MS, maxPayload: 64 * 1024 * 1024 });
    socket.once("open", () => resolve(socket));
    socket.once("unexpected-response", (_request, response) => {
      const status = response.statusCode ?? 0;
      socket.terminate();
      if (status === 401 || status === 403) {
        reject(new Error(`the server refused the invitation (HTTP ${status}): it may have expired or been revoked`));
      } else {
        reject(new Error(`the server answered HTTP ${status}: is this a lionagi-playground serve address?`));
      }
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      const reason = error.code === "ECONNREFUSED" ? "nothing is listening there (is `lionagi-playground serve` running?)" : error.message;
      reject(new Error(`could not connect: ${reason}`));
    });
  });
}

export function socketTransports(socket: WebSocket): MessageTransports {
  return { reader: new SocketReader(socket), writer: new SocketWriter(socket) };
}
