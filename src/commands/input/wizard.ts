/**
 * The interactive front door: asks, in a sensible order, only for what flags, -f and --template left out.
 * Every answer is checked as it is typed by the same rule engine as `validate` (resolveSpec + validateSpec): an ERROR
 * about the field just answered refuses the answer in place (rule id, message, fix); warnings are shown and accepted.
 * Select questions offer only the choices the engine accepts. Defaults for ranges come from core/proposals.ts.
 */
import { DERIVED } from "../../core/names.ts";
import { ENUMS } from "../../core/spec.ts";
import type { ClusterSpec, Provenance, SpecInput, SpecLayer, SubnetSpec } from "../../core/spec.ts";
import { carriesPodCidr, defaultMaxPods, resolveSpec } from "../../core/resolve.ts";
import type { ResolvedSpec } from "../../core/resolve.ts";
import { proposeRanges } from "../../core/proposals.ts";
import { AksNetError, UsageError } from "../../core/errors.ts";
import { buildContext, validateSpec } from "../../validators/index.ts";
import type { Finding } from "../../validators/finding.ts";
import type { Asker, Choice } from "../../io/prompts.ts";
import { parseExistingSubnet } from "../options.ts";
import { nthAddress, parseCidr } from "../../core/cidr.ts";
import { parseExpose } from "../../core/ingress.ts";
import { regionName } from "../../core/egress.ts";
import { ALL_ZONES, ZONAL_REGIONS } from "../../core/regions.ts";

export interface WizardOptions {
  /** Offered as the subscription default: AZURE_SUBSCRIPTION_ID or the Azure CLI default (no Azure call). */
  subscriptionDefault?: string | undefined;
  /**
   * create (not offline): reads an existing VNet the user names through the live reader and returns its facts, so
   * its ranges and subnets are read instead of typed and the proposals land in its free space.
   */
  readVnet?: (resolved: ResolvedSpec) => Promise<SpecInput>;
}

interface Option<T extends string> extends Choice<T> {
  /** What choosing it adds to the answers. */
  patch: SpecInput;
}

/** Runs the questions; returns the answers as one `wizard` layer input (only values asked and answered). */
export async function runWizard(asker: Asker, seed: readonly SpecLayer[], options: WizardOptions = {}): Promise<SpecInput> {
  // Counts the questions put: the production questions come only in a run that asked something already.
  let asked = 0;
  const count = <A extends unknown[], R>(f: (...a: A) => R) => (...a: A): R => (asked++, f(...a));
  const ask: Asker = { ...asker, select: count(asker.select), input: count(asker.input), number: count(asker.number), confirm: count(asker.confirm) };
  const answers: SpecInput = {};
  const base = resolveSpec(seed);
  const given = (field: string): boolean => isChosen(base.provenance, field);
  const shown = new Set<string>();

  // What Azure said about an existing VNet (its peerings' ranges): checked against and avoided, never written to the file.
  let live: SpecLayer | undefined;
  const resolveWith = (patch?: SpecInput): ResolvedSpec =>
    resolveSpec([...seed, ...(live ? [live] : []), { source: "wizard", input: answers }, ...(patch ? [{ source: "wizard" as const, input: patch }] : [])]);

  // Ranges a later question will ask: findings that involve them wait for that question (their value is a placeholder
  // the proposals will replace). Choices and counts are not waited for: their defaults follow from what is chosen.
  // The API server subnet and a second pool's own subnet are asked with the VNet, after the choices that call for them.
  const RANGE_FIELDS = ["vnet.addressSpaces", "vnet.existingSubnets", "vnet.subnetCidr", "vnet.podSubnetCidr", "firewall.subnetCidr", "podCidr", "serviceCidr", "dnsServiceIP", ...PRODUCTION_FIELDS];
  const pending = new Set(RANGE_FIELDS.filter((f) => !given(f)));
  const settle = (fields: readonly string[]): void => fields.forEach((f) => pending.delete(f));
  const isPending = (field: string): boolean => [...pending].some((p) => covers(p, field));

  /** Findings about `fields` once `patch` is applied, ignoring those that wait for a later question. */
  const judge = (fields: readonly string[], patch?: SpecInput): { errors: Finding[]; warnings: Finding[]; invalid: string[] } => {
    const r = resolveWith(patch);
    const relevant = validateSpec(r.spec, r.provenance).filter(
      (f) => f.fields.some((x) => fields.some((p) => covers(p, x))) && !f.fields.some(isPending),
    );
    // The engine's SYN rules report unparsable values; this keeps a bad value out even if a rule family is missing.
    const invalid = [...buildContext(r.spec).invalid].filter(([k]) => fields.some((p) => covers(p, k))).map(([, why]) => why);
    return { errors: relevant.filter((f) => f.severity === "error"), warnings: relevant.filter((f) => f.severity === "warning"), invalid };
  };

  const refusal = (fields: readonly string[], patch: SpecInput): string | undefined => {
    const { errors, invalid } = judge(fields, patch);
    if (errors.length > 0) return errors.map(formatFinding).join("\n");
    if (invalid.length > 0) return invalid.join("\n");
    return undefined;
  };

  const showWarnings = (fields: readonly string[]): void => {
    for (const w of judge(fields).warnings) {
      const key = `${w.rule}:${w.message}`;
      if (shown.has(key)) continue;
      shown.add(key);
      ask.note(`  warning ${w.rule}: ${w.message}${w.fix ? ` (${w.fix})` : ""}`);
    }
  };

  const accept = (fields: readonly string[], patch: SpecInput): void => {
    mergeInput(answers, patch);
    showWarnings(fields);
  };

  /** A free-text question checked by the engine; a default the engine refuses is not offered. */
  const askText = async (
    id: string,
    fields: readonly string[],
    message: string,
    def: string | undefined,
    toPatch: (value: string) => SpecInput,
    optional = false,
  ): Promise<string> => {
    settle(fields);
    const tryPatch = (v: string): SpecInput | string => {
      try {
        return toPatch(v);
      } catch (e) {
        if (e instanceof AksNetError) return e.message;
        throw e;
      }
    };
    const check = (v: string): true | string => {
      // The engine skips empty fields (they mean "use the default"); here an empty answer is no answer.
      if (!optional && v.trim() === "") return def !== undefined ? "a value is required (Tab brings back the default)" : "a value is required";
      const patch = tryPatch(v);
      if (typeof patch === "string") return patch;
      return refusal(fields, patch) ?? true;
    };
    const offered = def !== undefined && check(def) === true ? def : undefined;
    const value = await ask.input({ id, message, default: offered, validate: check });
    accept(fields, tryPatch(value) as SpecInput);
    return value;
  };

  const askCount = async (id: string, message: string, def: number, toPatch: (n: number) => SpecInput): Promise<void> => {
    settle([id]);
    const value = await ask.number({ id, message, default: def, validate: (n) => (Number.isInteger(n) ? (refusal([id], toPatch(n)) ?? true) : "enter a whole number") });
    accept([id], toPatch(value));
  };

  /** A choice among the options the engine accepts; with one valid option nothing is asked. */
  const askChoice = async <T extends string>(
    id: string,
    fields: readonly string[],
    message: string,
    all: readonly Option<T>[],
    current: T | undefined,
  ): Promise<T | undefined> => {
    settle(fields);
    const valid = all.filter((o) => refusal(fields, o.patch) === undefined);
    const only = valid.length === 1 ? valid[0] : undefined;
    if (valid.length === 0) return undefined;
    if (only) {
      // Not the user's choice: record it only when the default would be refused.
      if (refusal(fields, {}) !== undefined) mergeInput(answers, only.patch);
      ask.note(`${message} ${only.name} (the only valid choice here)`);
      return only.value;
    }
    const def = valid.some((o) => o.value === current) ? current : valid[0]?.value;
    const value = await ask.select<T>({ id, message, choices: valid.map(({ value: v, name, description }) => ({ value: v, name, ...(description ? { description } : {}) })), default: def });
    accept(fields, valid.find((o) => o.value === value)?.patch ?? {});
    return value;
  };

  const now = (): ClusterSpec => resolveWith().spec;
  const required = (what: string) => (v: string): SpecInput => {
    if (v.trim() === "") throw new UsageError(`${what} is required`);
    return {};
  };

  // 1. Where the cluster goes.
  if (!given("subscription")) {
    await askText("subscription", ["subscription"], "Azure subscription id", options.subscriptionDefault, (v) => (required("the subscription")(v), { subscription: v }));
  }
  if (!given("location")) await askText("location", ["location"], "Azure region (e.g. westeurope)", undefined, (v) => (required("the region")(v), { location: v }));
  if (!given("resourceGroup")) await askText("resourceGroup", ["resourceGroup"], "Resource group", undefined, (v) => (required("the resource group")(v), { resourceGroup: v }));
  if (!given("name")) await askText("name", ["name"], "Cluster name", undefined, (v) => (required("the cluster name")(v), { name: v }));

  // 2. Networking model: plugin and IPAM mode in one choice.
  let wantPodSubnet = base.spec.vnet.podSubnetCidr !== undefined && given("vnet.podSubnetCidr");
  const ipamOptions: Option<string>[] = [
    { value: "overlay", name: "Azure CNI Overlay", description: "pods get IPs from a private pod CIDR: few VNet IPs, up to 5,000 nodes (recommended)", patch: { networkPlugin: "azure", networkPluginMode: "overlay" } },
    { value: "pod-subnet", name: "Azure CNI with a pod subnet", description: "pods get routable VNet IPs from their own subnet: direct reachability, more VNet space", patch: { networkPlugin: "azure" } },
    { value: "node-subnet", name: "Azure CNI node subnet (flat)", description: "every pod takes a node-subnet IP: 1 + max pods IPs per node, plan the subnet large", patch: { networkPlugin: "azure" } },
    { value: "kubenet", name: "kubenet", description: "NATed pods, one route table per cluster, max 400 nodes; retires 2028-03-31 (prefer overlay)", patch: { networkPlugin: "kubenet" } },
    { value: "none", name: "none (bring your own CNI)", description: "AKS installs no CNI and no policy; you install one after create", patch: { networkPlugin: "none" } },
  ];
  const ipamFields = ["networkPlugin", "networkPluginMode"];
  // A given plugin settles the mode too: `azure` alone is the node-subnet mode (DEF-05), as AKS reads it.
  const fitting = given("networkPlugin")
    ? []
    : ipamOptions.filter(
        (o) => (!given("networkPluginMode") || o.patch.networkPluginMode === base.spec.networkPluginMode) && (!wantPodSubnet || o.value === "pod-subnet"),
      );
  if (fitting.length > 1) {
    const choice = await askChoice("networkPlugin", ipamFields, "Network plugin and IP mode", fitting, "overlay");
    wantPodSubnet = choice === "pod-subnet";
  } else settle(ipamFields);

  // 3. Dataplane and policy: only the combinations the engine accepts for what is chosen.
  if (!given("networkDataplane")) {
    const dataplanes: Option<string>[] = [
      { value: "azure", name: "azure", description: "iptables dataplane; pairs with Azure NPM or Calico policy", patch: { networkDataplane: "azure" } },
      { value: "cilium", name: "cilium", description: "Azure CNI Powered by Cilium: eBPF dataplane with built-in policy; Linux only", patch: { networkDataplane: "cilium" } },
    ];
    await askChoice("networkDataplane", ["networkDataplane"], "Network dataplane", dataplanes.filter((d) => (ENUMS.networkDataplane as readonly string[]).includes(d.value)), now().networkDataplane);
  } else settle(["networkDataplane"]);
  if (!given("networkPolicy")) {
    const policies: Option<string>[] = [
      { value: "none", name: "none", description: "no network policy: every pod can reach every pod", patch: { networkPolicy: "none" } },
      { value: "cilium", name: "cilium", description: "Cilium policy, enforced by the Cilium dataplane", patch: { networkPolicy: "cilium" } },
      { value: "calico", name: "calico", description: "Calico policy engine (open source); Linux and Windows", patch: { networkPolicy: "calico" } },
      { value: "azure", name: "azure", description: "Azure Network Policy Manager (NPM); Linux support ends 2028-09-30", patch: { networkPolicy: "azure" } },
    ];
    await askChoice("networkPolicy", ["networkPolicy"], "Network policy", policies, now().networkPolicy);
  } else settle(["networkPolicy"]);

  // 4. Size: node count and max pods decide every subnet size proposed below.
  if (!given("nodePools[0].count")) {
    await askCount("nodePools[0].count", "Nodes in the system pool", now().nodePools[0]?.count ?? 3, (n) => ({ nodePools: [{ count: n }] }));
  }
  if (!given("nodePools[0].maxPods")) {
    const spec = now();
    const def = defaultMaxPods(wantPodSubnet ? { ...spec, vnet: { ...spec.vnet, podSubnetCidr: "pending" } } : spec);
    await askCount("nodePools[0].maxPods", `Max pods per node (the AKS default here is ${def})`, def, (n) => ({ nodePools: [{ maxPods: n }] }));
  }

  // 5. Edge: load balancer, egress.
  if (!given("loadBalancerSku")) {
    const skus: Option<string>[] = [
      { value: "standard", name: "standard", description: "Standard Load Balancer (zones, outbound rules)", patch: { loadBalancerSku: "standard" } },
      { value: "basic", name: "basic", description: "Basic Load Balancer: retired 2025-09-30", patch: { loadBalancerSku: "basic" } },
    ];
    await askChoice("loadBalancerSku", ["loadBalancerSku"], "Load balancer SKU", skus, now().loadBalancerSku);
  } else settle(["loadBalancerSku"]);
  const egressFields = ["outboundType", "firewall.enabled"];
  if (!given("outboundType") && !given("firewall.enabled")) {
    const vnetGiven = given("vnet.addressSpaces") || given("vnet.subnetCidr") || base.spec.vnetSubnetId !== undefined;
    const egress: Option<string>[] = [
      { value: "loadBalancer", name: "loadBalancer", description: "egress through the cluster's load balancer (simplest; SNAT ports are shared)", patch: { outboundType: "loadBalancer" } },
      { value: "firewall", name: "Azure Firewall (userDefinedRouting)", description: "aks-net builds a firewall in AzureFirewallSubnet and routes 0.0.0.0/0 through it", patch: { outboundType: "userDefinedRouting", firewall: { enabled: true } } },
      ...(vnetGiven ? [] : [{ value: "managedNATGateway", name: "managedNATGateway", description: "AKS-managed VNet with a NAT gateway: fixed egress IPs, no VNet of yours", patch: { outboundType: "managedNATGateway" } }]),
      { value: "userAssignedNATGateway", name: "userAssignedNATGateway", description: "your NAT gateway, already on the node subnet", patch: { outboundType: "userAssignedNATGateway" } },
      { value: "userDefinedRouting", name: "userDefinedRouting (your route table)", description: "your route table sends 0.0.0.0/0 to your appliance (see --route)", patch: { outboundType: "userDefinedRouting" } },
    ];
    await askChoice("outboundType", egressFields, "Outbound (egress) type", egress, now().outboundType);
  } else settle(egressFields);
  if (now().firewall.enabled && !given("firewall.sku")) {
    const skus: Option<string>[] = ENUMS.firewallSku.map((s) => ({
      value: s,
      name: s,
      description: s === "Basic" ? "small workloads; needs AzureFirewallManagementSubnet too" : s === "Premium" ? "TLS inspection, IDPS" : "FQDN filtering, threat intelligence",
      patch: { firewall: { sku: s } },
    }));
    await askChoice("firewall.sku", ["firewall.sku"], "Azure Firewall SKU", skus, now().firewall.sku);
  } else settle(["firewall.sku"]);

  /**
   * Reads the VNet just named; when it exists its address space and subnets become answers (as if typed; the file
   * records them) and its peerings' ranges are avoided. Returns false when Azure has no such VNet: create makes it.
   */
  const readExistingVnet = async (read: NonNullable<WizardOptions["readVnet"]>): Promise<boolean> => {
    const facts = await read(resolveWith());
    const spec = now();
    const where = `${spec.vnet.name ?? ""} in resource group ${spec.vnet.resourceGroup ?? spec.resourceGroup ?? ""}`;
    const vnet = facts.vnet;
    if (facts.live?.vnet?.exists !== true || !vnet?.addressSpaces) {
      ask.note(`no VNet ${where} in Azure yet: aks-net creates it`);
      return false;
    }
    live = { source: "live", input: { connectedCidrs: facts.connectedCidrs ?? [] } };
    const subnets = (vnet.existingSubnets ?? []).map(({ name, cidr }) => ({ name, cidr }));
    const node = vnet.subnetCidr !== undefined && vnet.subnetName !== undefined ? { subnetName: vnet.subnetName, subnetCidr: vnet.subnetCidr } : {};
    mergeInput(answers, { vnet: { addressSpaces: vnet.addressSpaces, existingSubnets: subnets, ...node } });
    settle(["vnet.addressSpaces", "vnet.existingSubnets", ...(vnet.subnetCidr !== undefined ? ["vnet.subnetCidr"] : [])]);
    const listed = subnets.map((x) => `${x.name} ${x.cidr}`).join(", ") || "none";
    ask.note(`read VNet ${where}: address space ${vnet.addressSpaces.join(", ")}; subnets: ${listed}${vnet.subnetCidr ? `; node subnet ${vnet.subnetName} ${vnet.subnetCidr} exists and is used` : ""}${facts.connectedCidrs?.length ? `; peered ranges ${facts.connectedCidrs.join(", ")}` : ""}`);
    showWarnings(["vnet.addressSpaces", "vnet.existingSubnets"]);
    return true;
  };

  // 6. The VNet and its subnets (not for an AKS-managed VNet or a bring-your-own subnet id).
  const proposals = () => {
    const r = resolveWith();
    return proposeRanges(r.spec, r.provenance, { podSubnet: wantPodSubnet });
  };
  const vnetFields = ["vnet.name", "vnet.addressSpaces", "vnet.existingSubnets", "vnet.subnetCidr", "vnet.podSubnetCidr", "firewall.subnetCidr"];
  if (now().vnet.managed !== true && now().vnetSubnetId === undefined) {
    let existing = given("vnet.existingSubnets");
    if (!given("vnet.addressSpaces")) {
      const kind = await ask.select<"new" | "existing">({
        id: "vnet",
        message: "Virtual network",
        choices: [
          { value: "new", name: "a new VNet", description: "aks-net creates the VNet and its subnets in free address space" },
          {
            value: "existing",
            name: "an existing VNet",
            description: options.readVnet
              ? "aks-net reads its address space and subnets from Azure and adds the cluster's subnets in its free space"
              : "you give its address space and other subnets; aks-net adds the cluster's subnets",
          },
        ],
        default: existing ? "existing" : "new",
      });
      existing = kind === "existing";
    }
    const clusterName = now().name ?? "aks";
    if (!given("vnet.name")) {
      await askText("vnet.name", ["vnet.name"], existing ? "Name of the existing VNet" : "Name of the new VNet", existing ? undefined : DERIVED.vnet(clusterName), (v) => (required("the VNet name")(v), { vnet: { name: v } }));
    }
    let fromAzure = false;
    if (existing && options.readVnet && !given("vnet.addressSpaces")) {
      if (!given("vnet.resourceGroup")) {
        await askText("vnet.resourceGroup", ["vnet.resourceGroup"], "Resource group of the VNet", now().resourceGroup, (v) => (required("the resource group")(v), { vnet: { resourceGroup: v } }));
      }
      fromAzure = await readExistingVnet(options.readVnet);
      existing = fromAzure;
    }
    if (existing && !fromAzure && !given("vnet.existingSubnets")) {
      await askText("vnet.existingSubnets", ["vnet.existingSubnets"], "Its other subnets, NAME=CIDR comma-separated (empty if none)", "", (v) => ({ vnet: { existingSubnets: splitList(v).map(parseExistingSubnet) } }), true);
    }
    if (!given("vnet.addressSpaces") && !fromAzure) {
      const p = proposals();
      await askText("vnet.addressSpaces", ["vnet.addressSpaces"], existing ? "Its address space(s), comma-separated" : `VNet address space (a free /${p.sizes.vnet})`, p.vnetSpace(), (v) => ({ vnet: { addressSpaces: splitList(v) } }));
    }
    // Before the node subnet: until the pod subnet exists, the engine sizes the node subnet for pods too (CAP-01).
    if (wantPodSubnet && !given("vnet.podSubnetCidr")) {
      const p = proposals();
      await askText("vnet.podSubnetCidr", ["vnet.podSubnetCidr"], `Pod subnet (a /${p.sizes.podSubnet}: one VNet IP per pod)`, p.podSubnet(), (v) => ({ vnet: { podSubnetCidr: v } }));
    }
    // In an existing VNet the nodes may go into one of its subnets (aks-net then adopts it instead of adding one).
    const others = now().vnet.existingSubnets;
    if (existing && others.length > 0 && !given("vnet.subnetCidr")) {
      settle(["vnet.subnetCidr"]);
      const fits = others.filter((s) => refusal(["vnet.subnetCidr"], adopt(others, s)) === undefined);
      if (fits.length > 0) {
        const pick = await ask.select<string>({
          id: "vnet.subnet",
          message: "Node subnet: new, or one of the VNet's subnets",
          choices: [
            { value: "", name: "a new subnet", description: "aks-net adds it in free space of the VNet" },
            ...fits.map((s) => ({ value: s.name, name: `${s.name} (${s.cidr})`, description: "an existing subnet of this VNet; nodes take one IP each from it" })),
          ],
          default: "",
        });
        const chosenSubnet = fits.find((s) => s.name === pick);
        if (chosenSubnet) {
          accept(["vnet.subnetCidr"], adopt(others, chosenSubnet));
        }
      }
    }
    if (!isChosen(resolveWith().provenance, "vnet.subnetCidr")) {
      const p = proposals();
      const cap = now().nodePools[0];
      await askText("vnet.subnetCidr", ["vnet.subnetCidr"], `Node subnet (/${p.sizes.nodeSubnet} fits ${cap?.count ?? "?"} nodes + surge at ${cap?.maxPods ?? "?"} max pods)`, p.nodeSubnet(), (v) => ({ vnet: { subnetCidr: v } }));
    }
    if (now().firewall.enabled && !given("firewall.subnetCidr")) {
      await askText("firewall.subnetCidr", ["firewall.subnetCidr"], "AzureFirewallSubnet (a /26 is all Azure Firewall needs)", proposals().firewallSubnet(), (v) => ({ firewall: { subnetCidr: v } }));
    }
    // Issue 12: with firewall egress a public LoadBalancer Service is unreachable; the way in is DNAT on the firewall.
    if (now().firewall.enabled && !given("ingress.expose") && !given("ingress.internalLoadBalancer")) await askExpose();
  }
  settle(vnetFields);

  /** A no/yes question whose default is no: what is not asked for is not built. */
  async function askYesNo(id: string, message: string, no: string, yes: string): Promise<boolean> {
    const value = await ask.select<"no" | "yes">({ id, message, choices: [{ value: "no", name: "no", description: no }, { value: "yes", name: "yes", description: yes }], default: "no" });
    return value === "yes";
  }

  /** "Expose a service through the firewall?": an ILB subnet, its fixed IP, one port translated to it. */
  async function askExpose(): Promise<void> {
    const yes = await askYesNo(
      "ingress.expose",
      "Expose a service through the firewall?",
      "egress only (a public LoadBalancer Service would not be reachable: its replies leave through the firewall)",
      "an internal load balancer with a fixed IP in its own subnet, and a port of the firewall's public IP translated to it (DNAT)",
    );
    if (!yes) return;
    const ilbFields = ["ingress.internalLoadBalancer.subnetCidr"];
    await askText(ilbFields[0] as string, ilbFields, "Internal load balancer subnet (a /28 of its own)", proposals().ilbSubnet(), (v) => ({ ingress: { internalLoadBalancer: { subnetCidr: v } } }));
    const subnet = parseCidr(now().ingress?.internalLoadBalancer?.subnetCidr ?? "");
    const ipDefault = subnet.ok ? nthAddress(subnet.value, 4) : undefined;
    const ip = await askText("ingress.internalLoadBalancer.ips", ["ingress.internalLoadBalancer.ips"], "The Service's fixed internal IP", ipDefault, (v) => ({ ingress: { internalLoadBalancer: { ips: [v.trim()] } } }));
    await askText("ingress.expose[0]", ["ingress.expose"], "Port of the firewall's public IP to translate to it (the Service gets the same port)", "443", (v) => ({ ingress: { expose: [parseExpose(`${v.trim()}=${ip.trim()}:${v.trim()}`)] } }));
  }

  // 7. Cluster-internal ranges: they must stay clear of the VNet and of every connected network.
  // Dual-stack clusters take their lists (--pod-cidrs/--service-cidrs) from flags or the DEF-09 defaults.
  const dualStack = (now().ipFamilies ?? []).includes("IPv6");
  if (carriesPodCidr(now()) && !given("podCidr") && !given("podCidrs") && !dualStack) {
    const p = proposals();
    await askText("podCidr", ["podCidr"], `Pod CIDR (one /24 per node; a /${p.sizes.podCidr} for this pool)`, p.podCidr(), (v) => ({ podCidr: v }));
  }
  settle(["podCidr"]);
  if (!given("serviceCidr") && !given("serviceCidrs") && !dualStack) {
    await askText("serviceCidr", ["serviceCidr"], "Service CIDR (Kubernetes service IPs; not routable outside the cluster)", proposals().serviceCidr(), (v) => ({ serviceCidr: v }));
  }
  settle(["serviceCidr"]);
  // DNS-01: the DNS IP is set with the service CIDR or not at all.
  if (!given("dnsServiceIP") && isChosen(resolveWith().provenance, "serviceCidr")) {
    const service = now().serviceCidr ?? "";
    await askText("dnsServiceIP", ["dnsServiceIP"], "DNS service IP (inside the service CIDR; .10 by convention)", proposals().dnsServiceIP(service), (v) => ({ dnsServiceIP: v }));
  }

  // 8. Production (issue 11): zones, a user pool, API server access. Their defaults keep what the same command gives
  // without the wizard (no zones, one pool, a public API server), and a run whose every value was given stays silent.
  if (asked > 0) await askProduction();
  settle(PRODUCTION_FIELDS);
  return answers;

  async function askProduction(): Promise<void> {
    const ownVnet = now().vnet.managed !== true && now().vnetSubnetId === undefined;
    // Zones only where the region has them (ZONE-02); zonal pools make aks-net's firewall and public IPs zone-redundant.
    const zoneField = "nodePools[0].availabilityZones";
    const location = now().location;
    if (!given(zoneField) && typeof location === "string" && ZONAL_REGIONS.includes(regionName(location))) {
      const zoneOptions: Option<string>[] = [
        { value: "none", name: "no zones", description: "Azure places the nodes; a zone outage can take them all", patch: {} },
        { value: "all", name: `zones ${ALL_ZONES.join(", ")}`, description: "nodes spread over the region's zones: survives a zone outage; aks-net's firewall and public IPs are zone-redundant too", patch: { nodePools: [{ availabilityZones: [...ALL_ZONES] }] } },
      ];
      await askChoice(zoneField, [zoneField], "Availability zones for the nodes", zoneOptions, "none");
    }
    settle([zoneField]);
    // Zonal nodes behind the NAT gateway aks-net builds: a Standard one is in one zone (ZONE-03), StandardV2 spans them.
    const builtNat = now().outboundType === "userAssignedNATGateway" && ownVnet && now().vnet.natGatewayId === undefined;
    if (builtNat && (now().nodePools[0]?.availabilityZones ?? []).length > 0 && !given("vnet.natGatewaySku")) {
      const natSkus: Option<string>[] = [
        { value: "Standard", name: "Standard", description: "in one zone (or none): a zone outage can stop the cluster's egress", patch: {} },
        { value: "StandardV2", name: "StandardV2", description: "zone-redundant, with a StandardV2 public IP; same price", patch: { vnet: { natGatewaySku: "StandardV2" } } },
      ];
      await askChoice("vnet.natGatewaySku", ["vnet.natGatewaySku"], "SKU of the NAT gateway aks-net builds", natSkus, "Standard");
    }

    // A user pool next to the system pool, only when asked for (more pools: nodePools[] in the spec file).
    if (!given("nodePools[1]") && now().nodePools.length === 1) {
      const more = await askYesNo("nodePools[1]", "Add a user node pool?", "one system pool runs everything (more pools: nodePools in the spec file)", "a User pool for your workloads, in the node subnet or a subnet of its own");
      if (more) await askUserPool(ownVnet);
    }
    settle(["nodePools[1].vnetSubnetCidr", "nodePools[1].podSubnetCidr"]);

    // Who reaches the API server; the default keeps the public endpoint.
    if (!given("apiServerAccessProfile") && !given("vnet.apiServerSubnetCidr")) {
      const access: Option<string>[] = [
        { value: "public", name: "public", description: "a public endpoint, open to any address (access still needs credentials)", patch: {} },
        { value: "authorized", name: "public, from authorized IP ranges only", description: "reachable from the ranges you list; aks-net adds the egress IP of the firewall or NAT gateway it builds", patch: {} },
        { value: "private", name: "private cluster", description: "a private endpoint in the VNet and a private DNS zone; reached from the VNet or a network peered to it", patch: { apiServerAccessProfile: { enablePrivateCluster: true } } },
        ...(ownVnet ? [{ value: "vnet", name: "API Server VNet Integration", description: "the API server gets an address in a delegated /28 of the VNet; its public endpoint stays", patch: { apiServerAccessProfile: { enableVnetIntegration: true } } }] : []),
      ];
      const choice = await askChoice("apiServerAccessProfile", ["apiServerAccessProfile"], "API server access", access, "public");
      if (choice === "authorized") {
        await askText("apiServerAccessProfile.authorizedIPRanges", ["apiServerAccessProfile.authorizedIPRanges"], "Authorized IP ranges (public IPv4 CIDRs, comma-separated)", undefined, (v) => ({ apiServerAccessProfile: { authorizedIPRanges: splitList(v).map((x) => x.trim()) } }));
      }
      if (choice === "vnet") {
        await askText("vnet.apiServerSubnetCidr", ["vnet.apiServerSubnetCidr", "apiServerAccessProfile.subnetId"], "API server subnet (a /28 delegated to AKS, used by nothing else)", proposals().apiServerSubnet(), (v) => ({ vnet: { apiServerSubnetCidr: v } }));
      }
    }
  }

  /** The second pool: name, node count, and its subnet (the node subnet, or one of its own in the VNet aks-net builds). */
  async function askUserPool(ownVnet: boolean): Promise<void> {
    const zones = now().nodePools[0]?.availabilityZones;
    const userPool = (extra: Record<string, unknown>): SpecInput => ({ nodePools: [{}, { mode: "User", ...(zones === undefined ? {} : { availabilityZones: [...zones] }), ...extra }] });
    await askText("nodePools[1].name", ["nodePools[1].name"], "Name of the user pool (lowercase letters and digits)", "user1", (v) => (required("the pool name")(v), userPool({ name: v.trim() })));
    await askCount("nodePools[1].count", "Nodes in the user pool", 3, (n) => userPool({ count: n }));
    if (!ownVnet) return;
    const where = await ask.select<"shared" | "own">({
      id: "nodePools[1].vnetSubnetName",
      message: "Subnet of the user pool's nodes",
      choices: [
        { value: "shared", name: "the node subnet", description: "both pools in one subnet, which must hold all their nodes" },
        { value: "own", name: "a node subnet of its own", description: "its own subnet in the VNet, with the node subnet's route table, NAT gateway and NSG" },
      ],
      default: "shared",
    });
    if (where !== "own") return;
    const pool = now().nodePools[1];
    await askText("nodePools[1].vnetSubnetCidr", ["nodePools[1].vnetSubnetCidr"], `Node subnet of pool ${pool?.name ?? "user1"} (${pool?.count ?? "?"} nodes + surge)`, proposals().poolSubnet(1), (v) => ({ nodePools: [{}, { vnetSubnetCidr: v }] }));
    // Azure CNI pod subnet: its pods get a pod subnet of their own too, so the cluster's pod subnet keeps its size.
    if (now().vnet.podSubnetCidr !== undefined && now().networkPlugin === "azure" && now().networkPluginMode !== "overlay") {
      await askText("nodePools[1].podSubnetCidr", ["nodePools[1].podSubnetCidr"], `Pod subnet of pool ${pool?.name ?? "user1"} (one VNet IP per pod)`, proposals().poolPodSubnet(1), (v) => ({ nodePools: [{}, { podSubnetCidr: v }] }));
    }
  }
}

/** Asked last, and only in a run that asked something else: they wait until then (see RANGE_FIELDS). */
const PRODUCTION_FIELDS = ["vnet.apiServerSubnetCidr", "apiServerAccessProfile.subnetId", "nodePools[1].vnetSubnetCidr", "nodePools[1].podSubnetCidr"];

/** The answer "put the nodes into this existing subnet": it becomes the node subnet and leaves the other-subnets list. */
function adopt(subnets: readonly SubnetSpec[], subnet: SubnetSpec): SpecInput {
  return { vnet: { subnetName: subnet.name, subnetCidr: subnet.cidr, existingSubnets: subnets.filter((s) => s !== subnet) } };
}

/** `RES-01 service CIDR ... overlaps ...` / `  fix: ...`: how a refused answer reads under the prompt. */
export function formatFinding(f: Finding): string {
  return `${f.rule} ${f.message}${f.fix ? `\n  fix: ${f.fix}` : ""}`;
}

/** True when the field's value came from anything but an AKS default. */
function isChosen(provenance: Provenance, field: string): boolean {
  return Object.entries(provenance).some(([k, src]) => src !== "default" && covers(field, k));
}

/** `vnet.addressSpaces` covers `vnet.addressSpaces[0]`; `vnet` covers `vnet.subnetCidr`. */
function covers(prefix: string, field: string): boolean {
  return field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`);
}

function splitList(v: string): string[] {
  return v.split(",").filter((s) => s !== "");
}

/** Deep-merges a patch into answers: objects merge, arrays replace, node pools merge by index (as resolveSpec does). */
export function mergeInput(target: SpecInput, patch: SpecInput): SpecInput {
  const t = target as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (key === "nodePools" && Array.isArray(value)) {
      const pools = (t[key] as Record<string, unknown>[] | undefined) ?? [];
      value.forEach((p, i) => (pools[i] = { ...(pools[i] ?? {}), ...(p as Record<string, unknown>) }));
      t[key] = pools;
    } else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      t[key] = mergeInput({ ...((t[key] as SpecInput | undefined) ?? {}) }, value as SpecInput);
    } else {
      t[key] = structuredClone(value);
    }
  }
  return target;
}

/**
 * The values a resolved spec holds that did not come from an AKS default, as one SpecInput: what `aks-net.yaml`
 * records and what the equivalent command line passes.
 */
export function chosenInput(resolved: ResolvedSpec): SpecInput {
  const out: Record<string, unknown> = {};
  for (const [path, src] of Object.entries(resolved.provenance)) {
    if (src === "default") continue;
    const value = getPath(resolved.spec, path);
    if (value !== undefined) setPath(out, path, structuredClone(value));
  }
  return out as SpecInput;
}

function parts(path: string): (string | number)[] {
  return path.split(".").flatMap((seg) => {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(seg);
    if (!m) return [seg];
    const idx = [...(m[2] ?? "").matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
    return [m[1] as string, ...idx];
  });
}

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of parts(path)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const ps = parts(path);
  let cur: Record<string | number, unknown> = obj;
  ps.forEach((p, i) => {
    if (i === ps.length - 1) {
      cur[p] = value;
      return;
    }
    const next = ps[i + 1];
    cur[p] ??= typeof next === "number" ? [] : {};
    cur = cur[p] as Record<string | number, unknown>;
  });
}
