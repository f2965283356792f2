/** The report shared by validate, create and init: grouping, fix lines, sources, and the JSON split by severity. */
import assert from "node:assert/strict";
import { computeCapacity } from "../../src/core/capacity.ts";
import { resolveSpec } from "../../src/core/resolve.ts";
import { makeStyle } from "../../src/io/colour.ts";
import { buildReport, renderFindings, renderReport } from "../../src/io/validation-report.ts";
import { finding } from "../../src/validators/finding.ts";

const plain = makeStyle(false);
const resolved = resolveSpec([
  { source: "template", input: { networkPlugin: "kubenet", vnet: { addressSpaces: ["10.1.0.0/16"], subnetCidr: "10.1.0.0/24" } } },
  { source: "flag", input: { serviceCidr: "10.2.0.0/16", dnsServiceIP: "10.2.0.10" } },
]);
const findings = [
  finding("CMP-13", "warning", "networkPlugin", "kubenet retires", "use overlay"),
  finding("DNS-02", "error", ["dnsServiceIP", "serviceCidr"], "DNS IP outside", "use 10.2.0.10"),
  finding("POD-06", "info", "podCidr", "grows only contiguously", ""),
];
const report = buildReport(resolved, findings, computeCapacity(resolved.spec));

describe("validation report", () => {
  it("splits findings by severity; any error makes it invalid", () => {
    assert.equal(report.valid, false);
    assert.deepEqual([report.errors.map((f) => f.rule), report.warnings.map((f) => f.rule), report.info.map((f) => f.rule)], [["DNS-02"], ["CMP-13"], ["POD-06"]]);
    assert.equal(buildReport(resolved, findings.slice(0, 1), report.capacity).valid, true, "warnings alone are valid");
  });

  it("groups errors before warnings before notes, each with rule, fields, message and fix", () => {
    const text = renderFindings(report, plain);
    assert.ok(text.indexOf("errors (1)") < text.indexOf("warnings (1)") && text.indexOf("warnings (1)") < text.indexOf("notes (1)"), text);
    assert.match(text, /✖ DNS-02 {2}dnsServiceIP, serviceCidr\n {4}DNS IP outside\n {4}fix: use 10\.2\.0\.10\n/);
    assert.doesNotMatch(text.slice(text.indexOf("POD-06")), /fix:/, "an empty fix prints no fix line");
  });

  it("prints at most 10 findings of one rule and counts the rest; -o json keeps them all", () => {
    const many = Array.from({ length: 1000 }, (_, i) => finding("OVL-08", "error", [`vnet.existingSubnets[${i}].cidr`], `overlap ${i}`, `move ${i}`));
    const big = buildReport(resolved, [...many, findings[1] as (typeof findings)[number]], report.capacity);
    const text = renderFindings(big, plain);
    assert.equal(big.errors.length, 1001, "the report data is complete");
    assert.match(text, /^errors \(1001\)\n/);
    assert.equal(text.match(/✖ OVL-08 {2}vnet/g)?.length, 10);
    assert.match(text, /overlap 9\n/);
    assert.doesNotMatch(text, /overlap 10\n/);
    assert.match(text, /✖ OVL-08 {2}… 990 more \(1000 in all; -o json lists every one\)\n/);
    assert.match(text, /✖ DNS-02/, "other rules' findings still print");
    assert.ok(text.split("\n").length < 60, `${text.split("\n").length} lines`);
  });

  it("names the source of every effective value", () => {
    const text = renderReport(report, resolved.provenance, plain);
    assert.match(text, /networkPlugin\s+kubenet\s+\(template\)/);
    assert.match(text, /serviceCidr\s+10\.2\.0\.0\/16\s+\(flag\)/);
    assert.match(text, /loadBalancerSku\s+standard\s+\(default\)/);
    assert.match(text, /node subnet {2}10\.1\.0\.0\/24: 251 usable IPs/);
    assert.match(text, /✖ invalid \(1 error, 1 warning\)\n$/);
  });

  it("is plain text when colour is off and styled when on", () => {
    assert.doesNotMatch(renderReport(report, resolved.provenance, plain), /\x1b\[/); // eslint-disable-line no-control-regex
    assert.match(renderReport(report, resolved.provenance, makeStyle(true)), /\x1b\[/); // eslint-disable-line no-control-regex
  });
});
