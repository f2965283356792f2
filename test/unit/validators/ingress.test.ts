import assert from "node:assert/strict";
import { fromFlags } from "../../../src/commands/options.ts";
import { parseExpose, serviceManifest } from "../../../src/core/ingress.ts";
import { resolveSpec } from "../../../src/core/resolve.ts";
import type { LiveNsgRule, SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/ingress.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, check, ruleIds } from "../../helpers/spec.ts";

const FW: SpecInput = { firewall: { enabled: true, subnetCidr: "10.10.8.0/26" } };
/** BASE + a dedicated ILB subnet with one IP, firewall egress. */
const ilb = (extra: SpecInput = {}, ips = ["10.10.6.10"], subnetCidr: string | null = "10.10.6.0/28"): SpecInput => ({
  ...BASE,
  ...FW,
  ingress: { internalLoadBalancer: { ...(subnetCidr === null ? {} : { subnetCidr }), ips } },
  ...extra,
});

describe("validators/ingress", () => {
  it("lists ILB-*, EXP-*, AGW-*, NSG-* with their severities", () => {
    assert.deepEqual(
      rules().map((r) => r.id),
      ["ILB-01", "ILB-02", "ILB-03", "ILB-04", "ILB-05", "ILB-06", "ILB-07", "ILB-08", "EXP-01", "EXP-02", "EXP-03", "EXP-04", "AGW-01", "AGW-02", "AGW-03", "AGW-04", "AGW-05", "AGW-06", "AGW-07", "NSG-01", "LIVE-NSG-01"],
    );
  });

  it("a dedicated ILB subnet with a fixed IP inside it is clean", () => {
    const f = check(ilb());
    assert.deepEqual(ruleIds(f, "error"), []);
    assert.deepEqual(ruleIds(f).filter((r) => /^(ILB|EXP|OVL)/.test(r)), []);
  });

  it("ILB-01 an IP outside the subnet, with an address of it as the fix", () => {
    const f = one(check(ilb({}, ["10.10.7.10"])), "ILB-01", "error", ["ingress.internalLoadBalancer.ips[0]", "ingress.internalLoadBalancer.subnetCidr"]);
    assert.match(f.fix, /10\.10\.6\.4/);
  });

  it("ILB-02 Azure's 5 reserved addresses: network, .1-.3, broadcast", () => {
    for (const ip of ["10.10.6.0", "10.10.6.1", "10.10.6.3", "10.10.6.15"]) one(check(ilb({}, [ip])), "ILB-02", "error");
    none(check(ilb({}, ["10.10.6.4"])), "ILB-02");
  });

  it("ILB-03 on the node subnet: Azure CNI node subnet always, overlay only among the nodes' first addresses", () => {
    const nodeSubnet = (plugin: SpecInput, ip: string): SpecInput => ({ ...ilb({}, [ip], null), ...plugin });
    const f = one(check(nodeSubnet({ networkPluginMode: undefined }, "10.10.3.200")), "ILB-03", "warning");
    assert.match(f.message, /every pod takes an address/);
    assert.match(f.fix, /--ilb-subnet-cidr/);
    one(check(nodeSubnet({}, "10.10.0.5")), "ILB-03", "warning");
    none(check(nodeSubnet({}, "10.10.3.200")), "ILB-03");
    none(check(ilb()), "ILB-03");
  });

  it("ILB-04 not in the service or pod CIDR", () => {
    one(check({ ...BASE, serviceCidr: "10.10.6.0/24", dnsServiceIP: "10.10.6.10", ingress: { internalLoadBalancer: { ips: ["10.10.6.20"], subnetCidr: "10.10.6.0/28" } } }), "ILB-04", "error", ["ingress.internalLoadBalancer.ips[0]", "serviceCidr"]);
    one(check({ ...BASE, podCidr: "10.10.6.0/24", ingress: { internalLoadBalancer: { ips: ["10.10.6.20"], subnetCidr: "10.10.6.0/28" } } }), "ILB-04", "error", ["ingress.internalLoadBalancer.ips[0]", "podCidr"]);
  });

  it("ILB-05 the dedicated subnet lies in the cluster's VNet", () => {
    one(check(ilb({}, ["10.99.6.10"], "10.99.6.0/28")), "ILB-05", "error");
  });

  it("ILB-06 Standard load balancer only", () => {
    one(check(ilb({ loadBalancerSku: "basic" })), "ILB-06", "error");
  });

  it("ILB-07 a planned ILB subnet needs the VNet aks-net builds", () => {
    const byo = ilb({ vnetSubnetId: "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/aks", firewall: { enabled: false } });
    one(check(byo), "ILB-07", "error", ["ingress.internalLoadBalancer.subnetCidr", "vnetSubnetId"]);
  });

  it("ILB-08 an IP listed twice", () => {
    one(check(ilb({}, ["10.10.6.10", "10.10.6.10"])), "ILB-08", "error");
  });

  it("the ILB subnet counts as a subnet: OVL-08 when it overlaps the node subnet, SIZE-05 below /29", () => {
    one(check(ilb({}, ["10.10.0.10"], "10.10.0.0/28")), "OVL-08", "error");
    one(check(ilb({}, ["10.10.6.4"], "10.10.6.0/30")), "SIZE-05", "error");
  });

  describe("EXP", () => {
    const exposing = (expose: string[], extra: SpecInput = {}): SpecInput => {
      const flags = fromFlags({ expose });
      return ilb({ ingress: { internalLoadBalancer: { subnetCidr: "10.10.6.0/28", ips: ["10.10.6.10"] }, ...flags.ingress }, ...extra });
    };
    it("a port to the ILB IP through aks-net's firewall is clean", () => {
      assert.deepEqual(ruleIds(check(exposing(["443=10.10.6.10:443", "53/udp=10.10.6.10:53"]))).filter((r) => r.startsWith("EXP")), []);
    });
    it("EXP-01 needs --firewall", () => {
      const f = one(check(exposing(["443=10.10.6.10:443"], { firewall: { enabled: false } })), "EXP-01", "error");
      assert.match(f.fix, /--firewall/);
    });
    it("EXP-01 with a hub firewall by IP (--firewall-private-ip): refused, aks-net does not own that firewall", () => {
      const f = one(check(exposing(["443=10.10.6.10:443"], { firewall: { enabled: false, privateIp: "10.0.1.4" }, outboundType: "userDefinedRouting" })), "EXP-01", "error", ["ingress.expose", "firewall.privateIp"]);
      assert.match(f.message, /the firewall at 10\.0\.1\.4 \(--firewall-private-ip\) is not aks-net's/);
      assert.match(f.fix, /443\/tcp → 10\.10\.6\.10:443/);
    });
    it("EXP-02 the target is an internal LB IP of this spec", () => {
      const f = one(check(exposing(["443=10.10.6.11:443"])), "EXP-02", "error");
      assert.match(f.fix, /10\.10\.6\.10/);
    });
    it("EXP-03 a port exposed twice (same protocol); TCP and UDP on one port are two", () => {
      one(check(exposing(["443=10.10.6.10:443", "443/tcp=10.10.6.10:8443"])), "EXP-03", "error");
      none(check(exposing(["443=10.10.6.10:443", "443/udp=10.10.6.10:443"])), "EXP-03");
    });
    it("EXP-04 ports 1-65535", () => {
      one(check(exposing(["70000=10.10.6.10:443"])), "EXP-04", "error");
      one(check(exposing(["443=10.10.6.10:0"])), "EXP-04", "error");
    });
    it("--expose shapes: PORT[/tcp|udp]=IP:PORT", () => {
      assert.deepEqual(parseExpose("443=10.0.0.1:8443"), { port: 443, protocol: "TCP", targetIp: "10.0.0.1", targetPort: 8443 });
      assert.deepEqual(parseExpose("53/UDP=10.0.0.1:53"), { port: 53, protocol: "UDP", targetIp: "10.0.0.1", targetPort: 53 });
      for (const bad of ["443", "443=10.0.0.1", "x=10.0.0.1:1", "443/sctp=10.0.0.1:1"]) assert.throws(() => parseExpose(bad), /--expose takes/);
    });
  });

  describe("AGW", () => {
    const agw = (a: Record<string, unknown>, extra: SpecInput = {}): SpecInput => ({ ...BASE, networkPluginMode: undefined, networkPlugin: "azure", ingress: { applicationGateway: { enabled: true, ...a } }, ...extra });
    it("a /24 of its own in the VNet with Azure CNI is clean", () => {
      assert.deepEqual(ruleIds(check(agw({ subnetCidr: "10.10.8.0/24" }))).filter((r) => /^(AGW|OVL)/.test(r)), []);
    });
    it("AGW-01 one of subnet CIDR, subnet id, gateway id", () => {
      const f = one(check(agw({})), "AGW-01", "error");
      assert.match(f.fix, /--appgw-subnet-cidr 10\.10\.\d+\.0\/24/);
      one(check(agw({ subnetCidr: "10.10.8.0/24", id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/applicationGateways/g" })), "AGW-01", "error");
    });
    it("AGW-02 /26 minimum (error), /24 recommended (warning)", () => {
      one(check(agw({ subnetCidr: "10.10.8.0/27" })), "AGW-02", "error");
      one(check(agw({ subnetCidr: "10.10.8.0/26" })), "AGW-02", "warning");
    });
    it("AGW-03 not the node subnet; OVL-08 for an overlap", () => {
      one(check(agw({ subnetCidr: "10.10.0.0/22" })), "AGW-03", "error");
      one(check(agw({ subnetCidr: "10.10.0.0/24" })), "OVL-08", "error");
    });
    it("AGW-04 kubenet with a firewall (0.0.0.0/0 → appliance on the gateway subnet); AGW-05 kubenet without", () => {
      one(check(agw({ subnetCidr: "10.10.8.0/24" }, { networkPlugin: "kubenet", ...FW })), "AGW-04", "error");
      one(check(agw({ subnetCidr: "10.10.8.0/24" }, { networkPlugin: "kubenet" })), "AGW-05", "warning");
      none(check(agw({ subnetCidr: "10.10.8.0/24" }, { networkPlugin: "kubenet", routes: [{ prefix: "10.99.0.0/16", nextHopType: "VnetLocal" }] })), "AGW-05");
    });
    it("AGW-06 overlay: a planned gateway subnet at most /24; a brought one warned; Cilium warned (AGIC overview)", () => {
      none(check(agw({ subnetCidr: "10.10.8.0/24" }, { networkPluginMode: "overlay" })), "AGW-06");
      const big = one(check(agw({ subnetCidr: "10.10.8.0/23" }, { networkPluginMode: "overlay" })), "AGW-06", "error");
      assert.match(big.message, /maximum \/24/);
      none(check(agw({ subnetCidr: "10.10.8.0/23" })), "AGW-06");
      const brought = one(check(agw({ subnetId: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/gw" }, { networkPluginMode: "overlay" })), "AGW-06", "warning");
      assert.match(brought.message, /Microsoft\.Network\/applicationGateways/);
      const cilium = one(check(agw({ subnetCidr: "10.10.8.0/24" }, { networkPluginMode: "overlay", networkDataplane: "cilium" })), "AGW-06", "warning");
      assert.match(cilium.message, /ingress-controller-overview/);
    });
    it("AGW-07 a planned gateway subnet inside the VNet", () => {
      one(check(agw({ subnetCidr: "10.99.8.0/24" })), "AGW-07", "error");
    });
    it("--enable-addons takes only ingress-appgw", () => {
      assert.equal(fromFlags({ enableAddons: "ingress-appgw" }).ingress?.applicationGateway?.enabled, true);
      assert.throws(() => fromFlags({ enableAddons: "monitoring" }), /plans only ingress-appgw/);
    });
  });

  it("NSG-01 aks-net's NSG only on a node subnet it builds", () => {
    one(check({ ...BASE, vnetSubnetId: "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/aks", ingress: { nsg: { enabled: true } } }), "NSG-01", "error");
    none(check({ ...BASE, ingress: { nsg: { enabled: true } } }), "NSG-01");
  });

  describe("LIVE-NSG-01 a brought NSG on the node subnet", () => {
    const defaults: LiveNsgRule[] = [
      { name: "AllowVnetInBound", priority: 65000, direction: "Inbound", access: "Allow", protocol: "*", sources: ["VirtualNetwork"], destinations: ["VirtualNetwork"], ports: ["*"] },
      { name: "AllowAzureLoadBalancerInBound", priority: 65001, direction: "Inbound", access: "Allow", protocol: "*", sources: ["AzureLoadBalancer"], destinations: ["*"], ports: ["*"] },
      { name: "DenyAllInBound", priority: 65500, direction: "Inbound", access: "Deny", protocol: "*", sources: ["*"], destinations: ["*"], ports: ["*"] },
      { name: "AllowVnetOutBound", priority: 65000, direction: "Outbound", access: "Allow", protocol: "*", sources: ["VirtualNetwork"], destinations: ["VirtualNetwork"], ports: ["*"] },
      { name: "AllowInternetOutBound", priority: 65001, direction: "Outbound", access: "Allow", protocol: "*", sources: ["*"], destinations: ["Internet"], ports: ["*"] },
      { name: "DenyAllOutBound", priority: 65500, direction: "Outbound", access: "Deny", protocol: "*", sources: ["*"], destinations: ["*"], ports: ["*"] },
    ];
    const deny = (name: string, priority: number, extra: Partial<LiveNsgRule>): LiveNsgRule => ({ name, priority, direction: "Inbound", access: "Deny", protocol: "*", sources: ["*"], destinations: ["*"], ports: ["*"], ...extra });
    const live = (rules: LiveNsgRule[], extra: SpecInput = {}): SpecInput => ({
      ...BASE,
      ...extra,
      live: { nodeSubnet: { id: "/s/subnets/aks", name: "aks-nodes", cidr: "10.10.0.0/22", networkSecurityGroupId: "/s/networkSecurityGroups/theirs", nsgRules: [...rules, ...defaults] } },
    });
    const lives = (input: SpecInput) => check(input).filter((f) => f.rule === "LIVE-NSG-01");
    it("Azure's default rules alone: overlay's pod CIDR is outside the VirtualNetwork tag, so DenyAllInBound blocks it", () => {
      const f = lives(live([]));
      assert.equal(f.length, 1);
      assert.match(f[0]?.message ?? "", /denies pods \(10\.244\.0\.0\/16\).*DenyAllInBound \(priority 65500\)/);
      assert.match(f[0]?.fix ?? "", /priority below 65500: source 10\.244\.0\.0\/16/);
    });
    it("an allow for the pod CIDR fixes it; kubenet's pod routes are in the VirtualNetwork tag", () => {
      assert.deepEqual(lives(live([{ name: "pods", priority: 100, direction: "Inbound", access: "Allow", protocol: "*", sources: ["10.244.0.0/16"], destinations: ["*"], ports: ["*"] }])), []);
      assert.deepEqual(lives(live([], { networkPlugin: "kubenet", networkPluginMode: undefined })), []);
    });
    it("denies of the load balancer probes, node to node, an exposed port and the way to the API server are named", () => {
      const allowPods = { name: "pods", priority: 100, direction: "Inbound", access: "Allow", protocol: "*", sources: ["10.244.0.0/16"], destinations: ["*"], ports: ["*"] };
      assert.match(lives(live([allowPods, deny("no-lb", 200, { sources: ["AzureLoadBalancer"] })]))[0]?.message ?? "", /health probes.*no-lb/);
      assert.match(lives(live([allowPods, deny("no-vnet", 200, { sources: ["VirtualNetwork"] })]))[0]?.message ?? "", /node to node.*no-vnet/);
      assert.match(lives(live([allowPods, deny("no-out", 200, { direction: "Outbound", destinations: ["Internet"], ports: ["443"], protocol: "Tcp" })]))[0]?.message ?? "", /API server.*no-out/);
      // A deny on another port decides nothing AKS needs; one with a higher priority number than an allow neither.
      assert.deepEqual(lives(live([allowPods, deny("no-ssh", 200, { ports: ["22"], protocol: "Tcp" })])), []);
      const exposed = { ...FW, ingress: { internalLoadBalancer: { subnetCidr: "10.10.6.0/28", ips: ["10.10.6.10"] }, expose: [parseExpose("443=10.10.6.10:443")] } };
      const f = lives(live([allowPods, deny("lock", 300, { destinations: ["10.10.6.0/24"], ports: ["400-500"], protocol: "Tcp" })], exposed));
      assert.match(f[0]?.message ?? "", /port 443 exposed through the firewall \(inbound TCP 10\.10\.8\.0\/26 → 10\.10\.6\.10\/32:443\) with rule lock/);
    });
  });

  describe("the Service manifest", () => {
    const spec = (input: SpecInput) => resolveSpec([{ source: "flag", input }]).spec;
    it("dedicated subnet: internal, the subnet annotation, the IP annotation (not spec.loadBalancerIP), the exposed ports", () => {
      const yaml = serviceManifest(spec({ ...ilb(), ingress: { internalLoadBalancer: { subnetCidr: "10.10.6.0/28", ips: ["10.10.6.10"] }, expose: [parseExpose("443=10.10.6.10:8443")] } }), { name: "web", namespace: "shop" });
      assert.match(yaml, /name: web\n {2}namespace: shop/);
      assert.match(yaml, /azure-load-balancer-internal: "true"/);
      assert.match(yaml, /azure-load-balancer-internal-subnet: "aks-ilb"/);
      assert.match(yaml, /azure-load-balancer-ipv4: "10\.10\.6\.10"/);
      assert.match(yaml, /protocol: TCP\n\s+port: 8443\n\s+targetPort: 8443/);
      assert.doesNotMatch(yaml, /loadBalancerIP/);
    });
    it("node subnet: no subnet annotation; one Service per IP, numbered", () => {
      const yaml = serviceManifest(spec(ilb({}, ["10.10.3.200", "10.10.3.201"], null)));
      assert.doesNotMatch(yaml, /internal-subnet/);
      assert.equal(yaml.split("\n---\n").length, 2);
      assert.match(yaml, /name: internal-app-2/);
      assert.match(yaml, /port: 80/);
    });
  });
});
