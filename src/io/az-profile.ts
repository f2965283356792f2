/**
 * The subscription a run uses when none is given, down to the Azure CLI's default read from its profile file
 * ($AZURE_CONFIG_DIR/azureProfile.json, else ~/.azure/azureProfile.json), without loading the Azure SDK: the last
 * resort of providers/azure.ts resolveSubscription, and the wizard's default (a prompt must appear at once).
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { readRegularFile } from "./read-capped.ts";

/** A profile lists the signed-in user's subscriptions, about 500 bytes each: thousands fit. */
const MAX_PROFILE_BYTES = 16 * 1024 * 1024;

/** The subscription a run uses when none is given: AZURE_SUBSCRIPTION_ID, else the Azure CLI's default. */
export function defaultSubscription(env: Record<string, string | undefined>): string | undefined {
  return env["AZURE_SUBSCRIPTION_ID"] || azCliDefaultSubscription(env);
}

/** The id of the subscription `az account set` picked, or undefined (no profile, none marked default, unreadable). */
export function azCliDefaultSubscription(env: Record<string, string | undefined>): string | undefined {
  try {
    const dir = env["AZURE_CONFIG_DIR"] ?? join(homedir(), ".azure");
    const text = readRegularFile(join(dir, "azureProfile.json"), MAX_PROFILE_BYTES);
    if (text === undefined) return undefined;
    // az writes the file with a byte-order mark.
    const profile = JSON.parse(text.replace(/^\uFEFF/, "")) as { subscriptions?: { id?: unknown; isDefault?: unknown }[] };
    const id = (Array.isArray(profile.subscriptions) ? profile.subscriptions : []).find((s) => s?.isDefault === true)?.id;
    return typeof id === "string" && id !== "" ? id : undefined;
  } catch {
    return undefined;
  }
}
