/**
 * Questions to the user. Commands and the wizard talk to an `Asker`, never to inquirer: tests drive a scripted Asker
 * (test/helpers/scripted-asker.ts), the CLI uses `terminalAsker`, which draws on stderr so stdout stays data.
 * Ctrl-C (or the Ctrl-C abort signal) at any prompt becomes a CancelledError (exit 130), never a stack trace.
 */
import type * as Inquirer from "@inquirer/prompts";
import { CancelledError } from "../core/errors.ts";
import type { Io } from "./io.ts";

/** `true` accepts the answer; a string refuses it and is shown under the prompt. */
export type Validate<T> = (value: T) => true | string;

export interface Choice<T extends string> {
  value: T;
  name: string;
  /** One line: the trade-off of this choice. */
  description?: string;
}

interface Question {
  /** Stable id (the spec field asked for, e.g. `serviceCidr`): scripted answers and transcripts key on it. */
  id: string;
  message: string;
}

export interface SelectQuestion<T extends string> extends Question {
  choices: readonly Choice<T>[];
  default?: T | undefined;
}

export interface InputQuestion extends Question {
  default?: string | undefined;
  validate?: Validate<string>;
}

export interface NumberQuestion extends Question {
  default?: number | undefined;
  validate?: Validate<number>;
}

export interface ConfirmQuestion extends Question {
  default?: boolean | undefined;
}

/** The four prompt kinds aks-net uses, plus `note` for a line of explanation between prompts. */
export interface Asker {
  select<T extends string>(q: SelectQuestion<T>): Promise<T>;
  input(q: InputQuestion): Promise<string>;
  number(q: NumberQuestion): Promise<number>;
  confirm(q: ConfirmQuestion): Promise<boolean>;
  note(text: string): void;
}

/**
 * The real prompts (@inquirer/prompts) on the terminal; output on stderr. inquirer (~65 ms of loading) is imported at
 * the first question, so commands that end up asking nothing (--yes, --dry-run, pipes) never pay for it.
 */
export function terminalAsker(io: Io): Asker {
  const prompts = (): Promise<typeof Inquirer> => import("@inquirer/prompts");
  const context = {
    input: io.stdin,
    output: io.stderr as unknown as NodeJS.WritableStream,
    signal: io.signal,
  };
  return {
    select: <T extends string>(q: SelectQuestion<T>) =>
      guard(async () =>
        (await prompts()).select<T>(
          {
            message: q.message,
            choices: q.choices.map((c) => ({ value: c.value, name: c.name, ...(c.description ? { description: c.description } : {}) })),
            ...(q.default !== undefined ? { default: q.default } : {}),
            pageSize: 10,
          },
          context,
        ),
      ),
    input: (q) =>
      guard(async () =>
        (await prompts()).input(
          {
            message: q.message,
            ...(q.default !== undefined ? { default: q.default } : {}),
            required: q.default === undefined,
            ...(q.validate ? { validate: q.validate } : {}),
          },
          context,
        ),
      ),
    number: (q) =>
      guard(async () =>
        (await prompts()).number(
          {
            message: q.message,
            ...(q.default !== undefined ? { default: q.default } : {}),
            required: true,
            step: 1,
            ...(q.validate ? { validate: q.validate } : {}),
          },
          context,
        ),
      ),
    confirm: (q) => guard(async () => (await prompts()).confirm({ message: q.message, ...(q.default !== undefined ? { default: q.default } : {}) }, context)),
    note: (text) => void io.stderr.write(`${text}\n`),
  };
}

/** inquirer's ExitPromptError (Ctrl-C) and AbortPromptError (our abort signal) mean: stop, nothing done. */
async function guard<T>(prompt: () => Promise<T>): Promise<T> {
  try {
    return await prompt();
  } catch (e) {
    if (isPromptCancel(e)) throw new CancelledError("interrupted; nothing was created", "run the command again to start over");
    throw e;
  }
}

/** True for the errors inquirer throws when a prompt is closed by Ctrl-C or aborted. */
export function isPromptCancel(e: unknown): boolean {
  return e instanceof Error && (e.name === "ExitPromptError" || e.name === "AbortPromptError" || e.name === "CancelPromptError");
}
