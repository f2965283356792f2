/**
 * DNS-01 … DNS-06: the CoreDNS service IP against the (IPv4) service CIDR, computed on the masked network.
 */
import { containsIp, formatIp, makeCidr } from "../core/cidr.ts";
import { tenthAddress } from "../core/planner.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "DNS-01", severity: "error", summary: "serviceCidr and dnsServiceIP are set together or not at all." },
    { id: "DNS-02", severity: "error", summary: "dnsServiceIP must be inside serviceCidr (DnsServiceIpOutOfServiceCidr)." },
    { id: "DNS-03", severity: "error", summary: "dnsServiceIP must not be the first usable address (.1): it is the kubernetes.default service IP." },
    { id: "DNS-04", severity: "error", summary: "dnsServiceIP must not be the broadcast (last) address of serviceCidr." },
    { id: "DNS-05", severity: "error", summary: "dnsServiceIP must not be the network address of serviceCidr." },
    { id: "DNS-06", severity: "warning", summary: "Convention: dnsServiceIP is the .10 address of the service range (C-04: warning only)." },
  ];
}

const FIELDS = ["dnsServiceIP", "serviceCidr"];

export function check(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const svc = ctx.cidrs.get("serviceCidr");
  const dns = ctx.ips.get("dnsServiceIP");
  const tenth = svc && svc.family === 4 ? tenthAddress(svc) : undefined;
  // Who set what: AKS's defaults fill both fields; a dual-stack serviceCidrs list the user typed counts as a service range.
  const svcGiven = ctx.provenance["serviceCidr"] !== "default";
  const listGiven = Array.isArray(ctx.spec.serviceCidrs) && ctx.provenance["serviceCidrs"] !== "default";
  const dnsGiven = ctx.provenance["dnsServiceIP"] !== "default";
  if (svc && dns && svcGiven && !dnsGiven) {
    out.push(finding("DNS-01", "error", FIELDS, `serviceCidr ${svc.text} is set but dnsServiceIP is left to AKS's default ${dns.text}: "DNSServiceIP must be specified when ServiceCidr is"`, `also set dnsServiceIP ${tenth ?? "to the .10 address of the service CIDR"}`));
  } else if (svc && dns && dnsGiven && !svcGiven && !listGiven) {
    out.push(finding("DNS-01", "error", FIELDS, `dnsServiceIP ${dns.text} is set but serviceCidr is left to AKS's default ${svc.text}: "ServiceCidr must be specified when DNSServiceIP is"`, `also set serviceCidr to a range that holds ${dns.text}, e.g. --service-cidr ${dns.family === 4 ? makeCidr(dns.value, 16, 4).canonical : svc.canonical}`));
  }
  if (!svc || !dns || svc.family !== 4 || dns.family !== 4) return out;
  const fix = `use dnsServiceIP ${tenth ?? ""}, the .10 address of ${svc.canonical}`;
  if (!containsIp(svc, dns)) {
    out.push(finding("DNS-02", "error", FIELDS, `(DnsServiceIpOutOfServiceCidr) The DNS service IP ${dns.text} is out of the range defined by service CIDR ${svc.text}.`, fix));
  } else if (dns.value === svc.start) {
    out.push(finding("DNS-05", "error", FIELDS, `dnsServiceIP ${dns.text} is the network address of service CIDR ${svc.canonical}; no Service can get it`, fix));
  } else if (dns.value === svc.start + 1n) {
    out.push(finding("DNS-03", "error", FIELDS, `dnsServiceIP ${dns.text} cannot be the first IP of ServiceCidr ${svc.canonical}: it is the kubernetes.default service IP`, fix));
  } else if (dns.value === svc.end) {
    out.push(finding("DNS-04", "error", FIELDS, `dnsServiceIP ${dns.text} cannot be the broadcast address of ServiceCidr ${svc.canonical}`, fix));
  } else if (tenth !== undefined && formatIp(dns.value, 4) !== tenth) {
    out.push(finding("DNS-06", "warning", "dnsServiceIP", `dnsServiceIP ${dns.text} is not the .10 address of ${svc.canonical}: AKS docs say it "should be the .10 address" (some tools, e.g. CAPZ, reject others)`, fix));
  }
  return out;
}
