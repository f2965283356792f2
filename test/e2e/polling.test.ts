/**
 * How create polls long-running operations: it follows Azure's Retry-After on status responses, and without one it
 * polls operations that take minutes (firewall, cluster) five times less often than the others (issue 13). Checked
 * on the gaps between the status polls the fake ARM saw (lower bounds only: load can only lengthen them).
 */
import assert from "node:assert/strict";
import type { RequestRecord } from "../fakes/fake-arm.ts";
import { create, ok, useFakeArm } from "../helpers/create-cli.ts";

/** Status polls (Azure-AsyncOperation URLs) grouped by operation, in arrival order. */
function pollsByOperation(requests: readonly RequestRecord[]): Map<string, RequestRecord[]> {
  const out = new Map<string, RequestRecord[]>();
  for (const q of requests) {
    if (q.method !== "GET" || !/\/operations\/[^/]+$/i.test(q.path)) continue;
    out.set(q.path, [...(out.get(q.path) ?? []), q]);
  }
  return out;
}

const gaps = (polls: readonly RequestRecord[]): number[] => polls.slice(1).map((q, i) => q.time - (polls[i] as RequestRecord).time);

describe("LRO polling: Retry-After and per-type intervals", function () {
  this.timeout(120_000);

  describe("Azure sends Retry-After: 1 on InProgress status responses", () => {
    const arm = useFakeArm({ polls: 2, pollRetryAfterSec: 1 });
    it("each operation's polls are a second apart although the configured interval is 5 ms", async () => {
      const r = await create(arm.fake, "ra", [], { env: { AKS_NET_POLL_INTERVAL_MS: "5" } });
      ok(r);
      const ops = pollsByOperation(arm.fake.requests);
      assert.ok(ops.size >= 3, `expected the VNet, subnet and cluster operations to be polled, saw ${ops.size}`);
      for (const [path, polls] of ops) {
        assert.ok(polls.length >= 2, `${path}: ${polls.length} poll(s)`);
        for (const g of gaps(polls)) assert.ok(g >= 950, `${path}: polled again after ${g} ms, before the 1 s Azure asked for`);
      }
    });
  });

  describe("no Retry-After: firewall and cluster operations are polled at five times the interval", () => {
    const LONG_MS = 600;
    const arm = useFakeArm({ polls: 1, latencyMs: { "Microsoft.Network/azureFirewalls": LONG_MS, "Microsoft.ContainerService/managedClusters": LONG_MS } });
    it("with a 20 ms interval, their polls come at least ~100 ms apart", async () => {
      const r = await create(arm.fake, "pi", ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"], { env: { AKS_NET_POLL_INTERVAL_MS: "20" } });
      ok(r);
      const ops = [...pollsByOperation(arm.fake.requests)];
      const long = ops.filter(([, polls]) => (polls.at(-1) as RequestRecord).time - (polls[0] as RequestRecord).time >= LONG_MS * 0.8);
      assert.equal(long.filter(([p]) => /Microsoft\.ContainerService/i.test(p)).length, 1, "the cluster's operation");
      assert.equal(long.filter(([p]) => /Microsoft\.Network/i.test(p)).length, 1, "the firewall's operation");
      for (const [path, polls] of long) {
        for (const g of gaps(polls)) assert.ok(g >= 90, `${path}: polled again after ${g} ms (the long interval is 100 ms)`);
        // At most one interval late: the operation's duration over the interval, plus the first and the last poll.
        assert.ok(polls.length <= Math.ceil(LONG_MS / 100) + 2, `${path}: ${polls.length} polls`);
      }
    });
  });
});
