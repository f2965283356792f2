/**
 * LB-01 … LB-05: the load balancer SKU, and the outbound knobs of the standard load balancer and of the managed
 * NAT gateway, each valid only with its own outbound type. C-08: the idle timeout follows the API (4-120). LB-07: the
 * SKU of the NAT gateway aks-net builds itself (https://learn.microsoft.com/azure/nat-gateway/nat-sku).
 */
import type { ClusterSpec } from "../core/spec.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "LB-01", severity: "error", summary: "Basic load balancer is retired (2025-09-30): new clusters need loadBalancerSku standard." },
    { id: "LB-02", severity: "error", summary: "Basic LB never supported outboundType, several node pools, load-balancer or NAT-gateway profiles (over 100 nodes: CAP-06)." },
    { id: "LB-03", severity: "error/warning", summary: "LB profile: managed IPs 1-100 (IPv6 0-100), ports 0-64000 in multiples of 8, idle 4-120 (over 100: warning, C-08), one kind of outbound IP." },
    { id: "LB-04", severity: "error", summary: "Load balancer outbound IPs, ports and idle timeout only with outboundType loadBalancer." },
    { id: "LB-05", severity: "error", summary: "NAT gateway IP count 1-16 and idle timeout 4-120, only with outboundType managedNATGateway." },
    { id: "LB-06", severity: "error", summary: "Managed NAT gateway StandardV2 features: IPv6 outbound IPs (countIPv6 1-16) and your public IP prefixes need sku StandardV2; a Standard gateway cannot serve a dual-stack cluster." },
    { id: "LB-07", severity: "error", summary: "vnet.natGatewaySku (--vnet-nat-gateway-sku) is the SKU of the NAT gateway aks-net builds: only with outboundType userAssignedNATGateway in a VNet aks-net plans, not with --nat-gateway-id (the AKS-managed gateway's SKU is --nat-gateway-sku)." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  return [...sku(s), ...lbProfile(s), ...natProfile(s), ...builtNatSku(s)];
}

/** LB-07: the SKU of aks-net's own NAT gateway needs that gateway to exist. */
function builtNatSku(s: ClusterSpec): Finding[] {
  if (s.vnet.natGatewaySku === undefined) return [];
  const why =
    s.outboundType === "managedNATGateway" ? { fields: ["outboundType"], text: "AKS builds the managed NAT gateway", fix: "use --nat-gateway-sku for AKS's managed NAT gateway" }
    : s.outboundType !== "userAssignedNATGateway" ? { fields: ["outboundType"], text: `outboundType is ${String(s.outboundType)}, which uses no NAT gateway`, fix: "drop --vnet-nat-gateway-sku, or use --outbound-type userAssignedNATGateway" }
    : s.vnet.natGatewayId !== undefined ? { fields: ["vnet.natGatewayId"], text: "--nat-gateway-id brings your own NAT gateway, which aks-net never changes", fix: "drop --vnet-nat-gateway-sku (your gateway keeps its SKU)" }
    : s.vnetSubnetId !== undefined ? { fields: ["vnetSubnetId"], text: "the node subnet is brought (--vnet-subnet-id): its NAT gateway is yours", fix: "drop --vnet-nat-gateway-sku, or let aks-net plan the subnet" }
    : s.vnet.managed === true ? { fields: ["vnet.managed"], text: "AKS manages the VNet", fix: "drop --vnet-nat-gateway-sku" }
    : undefined;
  if (why === undefined) return [];
  return [finding("LB-07", "error", ["vnet.natGatewaySku", ...why.fields], `--vnet-nat-gateway-sku ${String(s.vnet.natGatewaySku)} sets the SKU of the NAT gateway aks-net builds, but ${why.text}`, why.fix)];
}

/** True when an optional profile object carries at least one value. */
function isSet(v: object | undefined): boolean {
  return v !== undefined && v !== null && Object.values(v).some((x) => x !== undefined && x !== null);
}

/** A value outside [min, max] or not a whole number; undefined passes. */
function outside(v: unknown, min: number, max: number): boolean {
  if (v === undefined) return false;
  const n = Number(v);
  return !Number.isInteger(n) || n < min || n > max;
}

/** LB-01 (retired) and LB-02 (what Basic never supported); OUT-06 reports the non-default outbound types. */
function sku(s: ClusterSpec): Finding[] {
  if (s.loadBalancerSku !== "basic") return [];
  const out = [finding("LB-01", "error", "loadBalancerSku", "Load Balancer SKU 'basic' is invalid; must use 'standard'. (Basic load balancer retired on 2025-09-30)", "use --load-balancer-sku standard, or omit it (standard is the default)")];
  const fix = "use --load-balancer-sku standard";
  if (s.outboundType === "loadBalancer") {
    out.push(finding("LB-02", "error", ["loadBalancerSku", "outboundType"], "loadBalancer doesn't support basic load balancer sku: outboundType needs the Standard load balancer", fix));
  }
  if (s.nodePools.length > 1) {
    out.push(finding("LB-02", "error", ["loadBalancerSku", "nodePools"], `a Basic load balancer supports one node pool, the spec has ${s.nodePools.length}`, fix));
  }
  if (isSet(s.loadBalancerProfile)) {
    out.push(finding("LB-02", "error", ["loadBalancerSku", "loadBalancerProfile"], "only load balancer SKU 'Standard' supports load balancer profiles. Provided load balancer type: basic", fix));
  }
  if (isSet(s.natGatewayProfile)) {
    out.push(finding("LB-02", "error", ["loadBalancerSku", "natGatewayProfile"], "only load balancer SKU 'Standard' supports NAT Gateway profiles. Provided load balancer type: basic", fix));
  }
  return out;
}

/** LB-03 (ranges) and LB-04 (only with outboundType loadBalancer). */
function lbProfile(s: ClusterSpec): Finding[] {
  const p = s.loadBalancerProfile;
  if (!isSet(p) || !p) return [];
  const out: Finding[] = [];
  const at = (k: string): string => `loadBalancerProfile.${k}`;
  const count = p.managedOutboundIPs?.count;
  if (outside(count, 1, 100)) {
    out.push(finding("LB-03", "error", at("managedOutboundIPs.count"), `--load-balancer-managed-outbound-ip-count must be in the range [1,100], got ${String(count)}`, "use 1 to 100 managed outbound IPs"));
  }
  const count6 = p.managedOutboundIPs?.countIPv6;
  if (outside(count6, 0, 100)) {
    out.push(finding("LB-03", "error", at("managedOutboundIPs.countIPv6"), `managedOutboundIPs.countIPv6 must be in the range [0,100], got ${String(count6)}`, "use 0 to 100 managed outbound IPv6 addresses"));
  }
  const ports = p.allocatedOutboundPorts;
  if (outside(ports, 0, 64000)) {
    out.push(finding("LB-03", "error", at("allocatedOutboundPorts"), `--load-balancer-allocated-ports must be in the range [0,64000], got ${String(ports)}`, "use 0 (Azure assigns ports by pool size) to 64000"));
  } else if (ports !== undefined && Number(ports) % 8 !== 0) {
    const down = Math.floor(Number(ports) / 8) * 8;
    out.push(finding("LB-03", "error", at("allocatedOutboundPorts"), `--load-balancer-allocated-ports must be a multiple of 8, got ${ports}`, `use --load-balancer-outbound-ports ${down} or ${down + 8}`));
  }
  const idle = p.idleTimeoutInMinutes;
  if (outside(idle, 4, 120)) {
    out.push(finding("LB-03", "error", at("idleTimeoutInMinutes"), `load balancer idleTimeoutInMinutes must be in the range [4,120], got ${String(idle)}`, "use 4 to 120 minutes (4 to 100 if the command will be replayed with az)"));
  } else if (idle !== undefined && Number(idle) > 100) {
    // C-08: the API allows 120, the az CLI and terraform stop at 100.
    out.push(finding("LB-03", "warning", at("idleTimeoutInMinutes"), `load balancer idle timeout ${idle} is valid for the API (4-120) but az rejects it: "--load-balancer-idle-timeout must be in the range [4,100]"`, "use 100 minutes or less if anyone replays this with az aks"));
  }
  const kinds = [
    ["managedOutboundIPs", isSet(p.managedOutboundIPs)],
    ["outboundIPPrefixes", (p.outboundIPPrefixes?.publicIPPrefixes ?? []).length > 0],
    ["outboundIPs", (p.outboundIPs?.publicIPs ?? []).length > 0],
  ].filter(([, on]) => on).map(([k]) => String(k));
  if (kinds.length > 1) {
    out.push(finding("LB-03", "error", kinds.map(at), `load balancer profile must specify at most one of ManagedOutboundIPs, OutboundIPPrefixes and OutboundIPs; got ${kinds.join(", ")}`, `keep one of ${kinds.map((k) => `loadBalancerProfile.${k}`).join(", ")}`));
  }
  const type = s.outboundType;
  if (type !== "loadBalancer" && type !== undefined) {
    const ips = kinds.length > 0;
    const what = ips ? "ips" : "config";
    const given = Object.entries(p).filter(([, v]) => v !== undefined).map(([k]) => k);
    out.push(
      finding(
        "LB-04",
        "error",
        ["outboundType", ...given.map(at)],
        `${type} type doesn't support customizing the standard load balancer ${what}`,
        `drop the --load-balancer-* outbound flags, or use --outbound-type loadBalancer`,
      ),
    );
  }
  return out;
}

/** LB-05: managed NAT gateway knobs. */
function natProfile(s: ClusterSpec): Finding[] {
  const p = s.natGatewayProfile;
  if (!isSet(p) || !p) return [];
  const out: Finding[] = [];
  const count = p.managedOutboundIPProfile?.count;
  if (outside(count, 1, 16)) {
    out.push(finding("LB-05", "error", "natGatewayProfile.managedOutboundIPProfile.count", `--nat-gateway-managed-outbound-ip-count must be in the range [1,16], got ${String(count)}`, "use 1 to 16 NAT gateway outbound IPs"));
  }
  const idle = p.idleTimeoutInMinutes;
  if (outside(idle, 4, 120)) {
    out.push(finding("LB-05", "error", "natGatewayProfile.idleTimeoutInMinutes", `--nat-gateway-idle-timeout must be in the range [4,120], got ${String(idle)}`, "use 4 to 120 minutes"));
  }
  // StandardV2 only (the AKS API: ManagedClusterNATGatewayProfile, "Only compatible with NAT Gateway V2"; configure-dual-stack.md).
  const v2 = String(p.sku ?? "").toLowerCase() === "standardv2";
  const v6 = p.managedOutboundIPProfile?.countIPv6;
  if (outside(v6, 1, 16)) {
    out.push(finding("LB-06", "error", "natGatewayProfile.managedOutboundIPProfile.countIPv6", `--nat-gateway-managed-outbound-ipv6-count must be in the range [1,16], got ${String(v6)}`, "use 1 to 16 IPv6 outbound IPs"));
  }
  if (v6 !== undefined && !v2) {
    out.push(finding("LB-06", "error", ["natGatewayProfile.managedOutboundIPProfile.countIPv6", "natGatewayProfile.sku"], `IPv6 outbound IPs need a StandardV2 NAT gateway; sku is ${p.sku ?? "unset (AKS picks Standard where V2 is not offered)"}`, "add --nat-gateway-sku StandardV2"));
  }
  if ((p.outboundIPPrefixes?.publicIPPrefixes ?? []).length > 0 && !v2) {
    out.push(finding("LB-06", "error", ["natGatewayProfile.outboundIPPrefixes", "natGatewayProfile.sku"], `public IP prefixes on the managed NAT gateway are "Only compatible with NAT Gateway V2"; sku is ${p.sku ?? "unset"}`, "add --nat-gateway-sku StandardV2, or give public IPs (--nat-gateway-outbound-ips)"));
  }
  // Without an outbound type (Basic LB) LB-02 already reports the profile.
  if (s.outboundType !== "managedNATGateway" && s.outboundType !== undefined) {
    out.push(finding("LB-05", "error", ["outboundType", "natGatewayProfile"], `${s.outboundType} type doesn't support customizing the standard nat gateway ips`, "drop the --nat-gateway-* flags, or use --outbound-type managedNATGateway"));
  }
  return out;
}
