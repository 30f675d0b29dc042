/** The package's errors: one root, CollabError, as the Python side has. */

export class CollabError extends Error {
  override name = "CollabError";
}

/**
 * An operation broken or used against the wrong text. The messages are ot.js's own where ot.js
 * throws, so a log reads the same on either side.
 */
export class OperationError extends CollabError {
  override name = "OperationError";
}
