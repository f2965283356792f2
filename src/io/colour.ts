/**
 * Colour through chalk, the project's chosen colour library. Its own module so that runs without colour never load it
 * (main.ts imports it only when colour is on).
 */
import { Chalk } from "chalk";
import { PLAIN } from "./io.ts";
import type { Style } from "./io.ts";

/** The styles in colour (basic 16 colours: every terminal has them), or PLAIN. */
export function makeStyle(enabled: boolean): Style {
  return enabled ? new Chalk({ level: 1 }) : PLAIN;
}
