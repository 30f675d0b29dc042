/** The package's public surface: the algebra, selections, the client, undo and the session. */
export * from "./errors.js";
export * from "./operation.js";
export * from "./selection.js";
export { Client, type ClientHooks, type ClientState } from "./client.js";
export { UndoManager } from "./undo.js";
export { diff } from "./diff.js";
export { type ClientId, type Participant, type RemoteCursor } from "./presence.js";
export {
  CollabSession,
  type Change,
  type ChangeOrigin,
  type Connection,
  type SessionOptions,
} from "./session.js";
