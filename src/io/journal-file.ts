/**
 * Where the cluster's journal lives (core/journal.ts; create and delete write it, the path kept from delete's first one): the user's state directory, one file per cluster,
 * `$XDG_STATE_HOME/aks-net/delete/<subscription>/<resource group>/<cluster>.json` (else ~/.local/state/…), names lower
 * case as Azure compares them. Written to a temp file and renamed (a killed run never leaves half a journal), mode 0600.
 */
// Synchronous: a journal is a few kilobytes, and node:fs/promises would load node:readline and the fs watchers.
import { rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { readRegularFile, writeFileAtomic } from "./read-capped.ts";
import { makeDirs } from "./user-dirs.ts";

/** A journal is a few kilobytes; anything larger is not one of ours. */
const MAX_BYTES = 1024 * 1024;

export interface JournalKey {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export function journalPath(env: Record<string, string | undefined>, key: JournalKey): string {
  const base = env["XDG_STATE_HOME"] || join(env["HOME"] || homedir(), ".local", "state");
  // The names passed delete's naming check (no `/`, no `..`), so they are safe path parts.
  return join(base, "aks-net", "delete", key.subscriptionId.toLowerCase(), key.resourceGroup.toLowerCase(), `${key.name.toLowerCase()}.json`);
}

/** The file's text, or undefined when there is none (or it cannot be read, or is too large: a journal is only ever a hint). */
export async function readJournalFile(path: string): Promise<string | undefined> {
  try {
    return readRegularFile(path, MAX_BYTES, { mine: true });
  } catch {
    return undefined;
  }
}

export async function writeJournalFile(path: string, text: string): Promise<void> {
  makeDirs(join(path, ".."));
  writeFileAtomic(path, text, 0o600);
}

export async function removeJournalFile(path: string): Promise<void> {
  rmSync(path, { force: true });
}
