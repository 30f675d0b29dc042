/**
 * Finding the server's executable before starting it, so that a missing server gets one clear
 * message with the install command instead of a spawn error.
 */

import * as fs from "node:fs";
import * as path from "node:path";

export const INSTALL_COMMAND = "pip install lionagi-playground && lionagi-playground setup";

/** The absolute path `command` runs, or null when there is no such executable. */
export function findExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (command.includes("/") || command.includes("\\")) {
    return isExecutable(command) ? path.resolve(command) : null;
  }
  const dirs = (env.PATH ?? "").split(path.delimiter).filter(Boolean);
  const extensions = process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";") : [""];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = path.join(dir, command + extension);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
