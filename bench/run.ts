/**
 * `npm run bench` (builds first): runs every registered benchmark suite and prints Markdown tables.
 * `npm run bench -- NAME...` runs only the named suites. To add a bench file, add one import line below.
 */
import { runAll } from "./harness.ts";
import "./validate.ts";
import "./live.ts";
import "./create.ts";
import "./install.ts";

await runAll(process.argv.slice(2));
