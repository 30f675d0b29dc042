/** The one-replacement operation between two texts (common prefix and suffix kept). */

import { type Component, OperationBuilder } from "./operation.js";

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * An operation taking `before` to `after` that replaces only the middle both do not share.
 * It never cuts a surrogate pair: the kept prefix and suffix end on whole code points.
 */
export function diff(before: string, after: string): Component[] {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  if (prefix > 0 && isHigh(before.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  if (suffix > 0 && isLow(before.charCodeAt(before.length - suffix))) suffix--;
  return new OperationBuilder()
    .retain(prefix)
    .delete(before.length - prefix - suffix)
    .insert(after.slice(prefix, after.length - suffix))
    .retain(suffix)
    .build();
}
