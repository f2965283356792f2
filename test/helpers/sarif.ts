/** The official SARIF 2.1.0 schema (vendored in test/fixtures/sarif, see its README) as an ajv validator. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import type { ValidateFunction } from "ajv";
import { ROOT } from "./cli.ts";

/** The official schema is draft-04; ajv speaks draft-07, which differs for it only in spelling `id` as `$id`. */
export function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(join(ROOT, "test/fixtures/sarif/sarif-schema-2.1.0.json"), "utf8")) as Record<string, unknown>;
  schema["$id"] = schema["id"];
  delete schema["id"];
  delete schema["$schema"];
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat("uri", (s: string) => URL.canParse(s));
  ajv.addFormat("uri-reference", (s: string) => URL.canParse(s, "file:///base/"));
  ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

