/**
 * addSpecOptions with the run's words registers only the spec flags they name (a start-up saving of `validate`);
 * whatever it registers, the parse must come out as it does with every flag registered.
 */
import assert from "node:assert/strict";
import { Command, CommanderError, Option } from "commander";
import { SPEC_FLAGS, addSpecOptions, fromFlags, toFlags } from "../../src/commands/options.ts";
import type { SpecInput } from "../../src/core/spec.ts";

/** A `create`-like command with an own option besides the spec flags, as program.ts builds it. */
const command = (): Command => new Command("create").exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined }).option("-y, --yes").option("--no-input");

/** opts() after parsing `args`, or the commander error it raised. */
function parse(cmd: Command, args: string[]): Record<string, unknown> | string {
  try {
    cmd.parse(args, { from: "user" });
    return { ...cmd.opts() };
  } catch (e) {
    if (e instanceof CommanderError) return `${e.code}: ${e.message}`;
    throw e;
  }
}

const longs = (cmd: Command): string[] => cmd.options.map((o) => o.long as string);

describe("spec flags registered from the words of the run", () => {
  const cases: string[][] = [
    ["-f", "spec.yaml"],
    ["-f", "-", "--pod-cidr", "10.244.0.0/16"],
    ["--pod-cidr=10.244.0.0/16", "-n", "demo", "-g", "rg"],
    ["--zones", "1", "2", "3", "--tags", "a=b", "c=d", "--existing-subnet", "x=10.0.0.0/24", "--existing-subnet", "y=10.0.1.0/24"],
    ["--firewall", "--no-input", "--yes", "--vnet-cidr", "10.0.0.0/16,10.1.0.0/16"],
    ["--pod-cdr", "10.244.0.0/16"], // a typo: commander suggests the nearest flag
    ["-yf", "spec.yaml"], // short flags run together
    ["-fspec.yaml"], // a short flag with its value attached
    ["--name", "--firewall"], // a value that looks like a flag
    ["--", "--firewall"], // after --, operands
    ["--max-pods", "-1"],
    ["--help"],
  ];
  for (const args of cases) {
    it(`parses ${args.join(" ")} as with every flag registered`, () => {
      const all = parse(addSpecOptions(command(), { withTargets: true }), args);
      const some = parse(addSpecOptions(command(), { withTargets: true }, args), args);
      assert.deepEqual(some, all);
    });
  }

  it("registers the flags named (long, short, --flag=value) and not the others", () => {
    const cmd = addSpecOptions(command(), { withTargets: true }, ["-n", "demo", "--pod-cidr=10.244.0.0/16", "--firewall", "-f", "x"]);
    assert.deepEqual(longs(cmd).sort(), ["--file", "--firewall", "--name", "--no-input", "--pod-cidr", "--template", "--yes"]);
  });

  for (const args of [["--help"], ["-h"], ["--pod-cdr", "x"], ["-yf", "x"], ["--max-pods", "-1"]]) {
    it(`registers every spec flag for ${args.join(" ")} (help lists them; a typo or a short-flag cluster needs them all)`, () => {
      const cmd = addSpecOptions(command(), { withTargets: true }, args);
      assert.equal(cmd.options.length, 2 + 2 + SPEC_FLAGS.length);
    });
  }

  it("a later call without words adds the rest, once each (help, completion)", () => {
    const cmd = addSpecOptions(command(), { withTargets: false }, ["--pod-cidr", "10.244.0.0/16"]);
    addSpecOptions(cmd, { withTargets: false });
    const expected = SPEC_FLAGS.filter((f) => !f.createOnly).length;
    assert.equal(cmd.options.length, 2 + 2 + expected);
    assert.equal(new Set(longs(cmd)).size, cmd.options.length);
  });
});

describe("the spec flag table", () => {
  // The table's names are scanned out of each flag's text, and fromFlags maps commander's keys (podCidr) back to them:
  // both must agree with commander's own reading of every flag.
  for (const f of SPEC_FLAGS) {
    it(`${f.long}: names and commander key agree with commander`, () => {
      const o = new Option(f.flags, f.help);
      assert.equal(f.long, o.long);
      assert.equal(f.short, o.short);
      // Any spec whose value reads back through `get` round-trips through fromFlags under commander's key.
      const args = toFlags(roundTripInput(f));
      assert.ok(args.includes(f.long), `no sample value for ${f.long}`);
      const cmd = addSpecOptions(command(), { withTargets: true });
      cmd.parse(args, { from: "user" });
      assert.ok(o.attributeName() in cmd.opts());
      assert.deepEqual(toFlags(fromFlags(cmd.opts())), args);
    });
  }
});

/** A spec input holding a value for flag `f` alone (found by putting a sample that its own parser accepts). */
function roundTripInput(f: (typeof SPEC_FLAGS)[number]): SpecInput {
  const samples: Record<string, unknown[]> = {
    string: ["westeurope", "10.244.0.0/16", "10.0.0.10", "kubenet"],
    int: [3],
    bool: [true],
    list: [["1", "2"], ["10.0.0.0/16"], ["ingress-appgw"], ["a=b"], ["k=v:NoSchedule"]],
    repeat: [["x=10.0.0.0/24"], ["10.10.0.0/16"], ["443/tcp=10.42.6.10:443"]],
    pairs: [["a=b"]],
  };
  for (const value of samples[f.kind] ?? []) {
    const input: SpecInput = {};
    try {
      (f.put as (i: SpecInput, v: unknown) => void)(input, value);
    } catch {
      continue;
    }
    if (f.get(input) !== undefined && f.get(input) !== false) return input;
  }
  return {};
}
