/** Shared helpers for the `aks-net create` end-to-end tests (built CLI against the fake ARM server). */
import assert from "node:assert/strict";
import { request } from "node:https";
import { FAKE_SUBSCRIPTION_ID, fakeToken, startFakeArm } from "../fakes/fake-arm.ts";
import type { FakeArm, FakeArmOptions, Json, RequestRecord } from "../fakes/fake-arm.ts";
import { runCli } from "./run-cli.ts";
import type { RunCliOptions, RunCliResult } from "./run-cli.ts";

export const SUB = FAKE_SUBSCRIPTION_ID;
export const rgId = (rg: string): string => `/subscriptions/${SUB}/resourceGroups/${rg}`;
export const net = (rg: string, type: string, name: string): string => `${rgId(rg)}/providers/Microsoft.Network/${type}/${name}`;
export const clusterId = (rg: string, name: string): string => `${rgId(rg)}/providers/Microsoft.ContainerService/managedClusters/${name}`;

/** Fast polls: the fake finishes an LRO after one InProgress poll. */
export const FAST = { AKS_NET_POLL_INTERVAL_MS: "5" };

/** `create -n NAME -g rg-NAME -l westeurope --yes -o json ...extra`. */
export function createArgs(name: string, extra: string[] = [], opts: { json?: boolean; yes?: boolean } = {}): string[] {
  return ["create", "-n", name, "-g", `rg-${name}`, "-l", "westeurope", ...(opts.yes === false ? [] : ["--yes"]), ...(opts.json === false ? [] : ["-o", "json"]), ...extra];
}

export function create(fake: FakeArm, name: string, extra: string[] = [], opts: RunCliOptions & { json?: boolean; yes?: boolean } = {}): Promise<RunCliResult> {
  return runCli(createArgs(name, extra, opts), { fake, ...opts, env: { ...FAST, ...(opts.env ?? {}) } });
}

/** The JSON result on stdout (the only thing there with -o json). */
export function result(r: RunCliResult): { status: string; operations: { action: string; status: string; type: string; resourceId: string }[]; cluster: { id: string; fqdn: string | null; provisioningState: string | null } | null } {
  try {
    return JSON.parse(r.stdout) as ReturnType<typeof result>;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}

export function props(body: Json | undefined): Json {
  return ((body ?? {})["properties"] ?? {}) as Json;
}

export function writesSince(fake: FakeArm, from: number): RequestRecord[] {
  return fake.requests.slice(from).filter((r) => r.method !== "GET" && r.method !== "HEAD");
}

export function ok(r: Pick<RunCliResult, "code" | "stdout" | "stderr">): void {
  assert.equal(r.code, 0, `exit ${r.code}\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`);
}

/** A run refused by validation: exit 3, `rule` in its findings on stdout, and not one request reached the fake. */
export function refusedBeforeAnyRequest(fake: FakeArm, r: RunCliResult, rule: RegExp): void {
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stdout, rule);
  assert.equal(fake.requests.length, 0);
}


/**
 * One fake ARM server for the enclosing describe, emptied before each test; call inside describe. The result stands
 * for the server the describe's `before` starts (every property reads it), so `const fake = useFakeArm()` works in
 * tests as the server itself; `.fake` is the server.
 */
export function useFakeArm(options: FakeArmOptions = { polls: 1 }): FakeArm & { fake: FakeArm } {
  const holder = {} as { fake: FakeArm };
  before(async () => {
    holder.fake = await startFakeArm(options);
  });
  after(async () => {
    await holder.fake.close();
  });
  beforeEach(() => holder.fake.reset());
  return new Proxy(holder as FakeArm & { fake: FakeArm }, {
    get: (_target, p) => {
      if (p === "fake") return holder.fake;
      const v: unknown = Reflect.get(holder.fake, p);
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(holder.fake) : v;
    },
  });
}

/** Everything stored, without etags (a child's write changes its parent's): "left exactly as it was". */
export function stateWithoutEtags(fake: FakeArm): Record<string, Json> {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "etag").map(([k, x]) => [k, strip(x)]));
  };
  return strip(fake.snapshot()) as Record<string, Json>;
}

/** A PUT from "someone else" (not aks-net, no SDK), trusting the fake's certificate: its status and response text. */
export function armPut(fake: FakeArm, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request(`${fake.url}${path}`, { method: "PUT", ca: fake.caPem, headers: { authorization: `Bearer ${fakeToken("https://management.core.windows.net/")}`, "content-type": "application/json", "content-length": Buffer.byteLength(data), ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c)).on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(data);
  });
}
