/**
 * A scripted Asker for wizard tests: answers keyed by question id. Each typed answer goes through the question's
 * validate callback exactly as on a terminal; a refused answer is recorded and the next scripted one is tried.
 * A question without a scripted answer takes its default (and fails the test when it has none).
 */
import type { Asker, ConfirmQuestion, InputQuestion, NumberQuestion, SelectQuestion } from "../../src/io/prompts.ts";

export type Script = Record<string, unknown>;

export interface Transcript {
  /** Question ids in the order asked. */
  asked: string[];
  /** Answers refused by validate, with the text shown under the prompt. */
  refused: { id: string; value: unknown; message: string }[];
  /** The choices offered by each select. */
  choices: Record<string, string[]>;
  /** The default offered by each question. */
  defaults: Record<string, unknown>;
  /** The messages of each question. */
  messages: Record<string, string>;
  /** Notes (warnings, auto-picked choices). */
  notes: string[];
}

export interface ScriptedAsker extends Asker {
  transcript: Transcript;
}

export function scriptedAsker(script: Script = {}): ScriptedAsker {
  const transcript: Transcript = { asked: [], refused: [], choices: {}, defaults: {}, messages: {}, notes: [] };
  const answersFor = (id: string): unknown[] | undefined => {
    if (!(id in script)) return undefined;
    const v = script[id];
    return Array.isArray(v) ? [...(v as unknown[])] : [v];
  };
  const typed = <T>(id: string, def: T | undefined, validate: ((v: T) => true | string) | undefined): T => {
    const candidates = (answersFor(id) as T[] | undefined) ?? (def !== undefined ? [def] : []);
    if (candidates.length === 0) throw new Error(`no scripted answer for '${id}' and no default`);
    for (const c of candidates) {
      const verdict = validate ? validate(c) : true;
      if (verdict === true) return c;
      transcript.refused.push({ id, value: c, message: verdict });
    }
    throw new Error(`every scripted answer for '${id}' was refused: ${transcript.refused.filter((r) => r.id === id).map((r) => r.message).join(" | ")}`);
  };
  const record = (id: string, message: string, def: unknown): void => {
    transcript.asked.push(id);
    transcript.messages[id] = message;
    transcript.defaults[id] = def;
  };
  return {
    transcript,
    select: <T extends string>(q: SelectQuestion<T>): Promise<T> => {
      record(q.id, q.message, q.default);
      const values = q.choices.map((c) => c.value);
      transcript.choices[q.id] = values;
      const wanted = answersFor(q.id)?.[0] ?? q.default ?? values[0];
      if (!values.includes(wanted as T)) return Promise.reject(new Error(`'${String(wanted)}' is not offered for '${q.id}' (offered: ${values.join(", ")})`));
      return Promise.resolve(wanted as T);
    },
    input: (q: InputQuestion) => {
      record(q.id, q.message, q.default);
      return Promise.resolve(typed<string>(q.id, q.default, q.validate));
    },
    number: (q: NumberQuestion) => {
      record(q.id, q.message, q.default);
      return Promise.resolve(typed<number>(q.id, q.default, q.validate));
    },
    confirm: (q: ConfirmQuestion) => {
      record(q.id, q.message, q.default);
      return Promise.resolve(Boolean(answersFor(q.id)?.[0] ?? q.default ?? true));
    },
    note: (text: string) => void transcript.notes.push(text),
  };
}
