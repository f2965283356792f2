/** `aks-net templates`: the named presets for --template, as a table or (-o json) one JSON array. */
import { EXIT } from "../core/errors.ts";
import { stdoutStyle } from "../io/io.ts";
import type { Io } from "../io/io.ts";
import type { CommandOptions } from "../program.ts";
import { listTemplates } from "../templates/index.ts";

export async function run(opts: CommandOptions, io: Io): Promise<number> {
  const templates = listTemplates();
  if (opts["output"] === "json") {
    io.stdout.write(`${JSON.stringify(templates.map((t) => ({ name: t.name, summary: t.summary, docsUrl: t.docsUrl, spec: t.input })), null, 2)}\n`);
    return EXIT.ok;
  }
  const style = stdoutStyle(io);
  const width = Math.max(...templates.map((t) => t.name.length));
  const rows = templates.map((t) => `${style.bold(t.name.padEnd(width))}  ${t.summary}\n${" ".repeat(width + 2)}${style.dim(t.docsUrl)}`);
  io.stdout.write(`${rows.join("\n")}\n\nuse one with: aks-net validate --template NAME (flags and -f override its values)\n`);
  return EXIT.ok;
}
