/**
 * Small helpers for the fake ARM server: ARM ids, ARM error bodies, deterministic GUIDs and IPv4 CIDR maths.
 * Deliberately independent of src/core/cidr.ts, so a bug there cannot hide behind the fake.
 */
import { createHash } from "node:crypto";

export type Json = Record<string, unknown>;

/** An ARM error to answer with: HTTP status + `{"error":{"code","message"}}`. */
export class ArmError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
  body(): Json {
    return { error: { code: this.code, message: this.message } };
  }
}

/** A parsed resource id under a resource group: `/subscriptions/s/resourceGroups/rg/providers/ns/t1/n1/t2/n2...`. */
export interface ParsedId {
  subscription: string;
  resourceGroup: string;
  namespace: string;
  types: string[];
  names: string[];
}

/** Parses a resource id (case kept); undefined when it is not a resource-group-scoped resource id. */
export function parseId(id: string): ParsedId | undefined {
  const seg = id.split("/").filter((s) => s !== "");
  if (seg.length < 8 || seg.length % 2 !== 0) return undefined;
  if (lower(seg[0]) !== "subscriptions" || lower(seg[2]) !== "resourcegroups" || lower(seg[4]) !== "providers") return undefined;
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 6; i < seg.length; i += 2) {
    types.push(seg[i]!);
    names.push(seg[i + 1]!);
  }
  return { subscription: seg[1]!, resourceGroup: seg[3]!, namespace: seg[5]!, types, names };
}

function lower(s: string | undefined): string {
  return (s ?? "").toLowerCase();
}

/** `Microsoft.Network/virtualNetworks/subnets` for a subnet id. */
export function typeOfId(id: string): string | undefined {
  const p = parseId(id);
  return p ? [p.namespace, ...p.types].join("/") : undefined;
}

export function rgId(subscription: string, resourceGroup: string): string {
  return `/subscriptions/${subscription}/resourceGroups/${resourceGroup}`;
}

/** The id one level up: a child's parent resource, a top-level resource's group, a group's subscription. */
export function parentOf(id: string): string {
  const p = parseId(id);
  if (!p) {
    const seg = id.split("/").filter((s) => s !== "");
    return "/" + seg.slice(0, Math.max(0, seg.length - 2)).join("/");
  }
  if (p.types.length === 1) return rgId(p.subscription, p.resourceGroup);
  return id.split("/").slice(0, -2).join("/");
}

export function lastSegment(id: string): string {
  const seg = id.split("/").filter((s) => s !== "");
  return seg[seg.length - 1] ?? "";
}

/** Case-insensitive ARM id key. */
export function key(id: string): string {
  return id.toLowerCase().replace(/\/+$/, "");
}

/** True when `child` is `parent` or lies under it (case-insensitive, on segment boundaries). */
export function isUnder(child: string, parent: string): boolean {
  const c = key(child);
  const p = key(parent);
  return c === p || c.startsWith(p + "/");
}

/** A GUID derived from a string, so computed ids (principalId, clientId) are stable across runs. */
export function stableGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function shortHash(seed: string, n = 8): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, n);
}

// ---------- IPv4 ----------

export interface V4Cidr {
  base: number;
  bits: number;
  size: number;
  text: string;
  /** The given text had host bits set (e.g. 10.0.1.1/24). */
  hostBits: boolean;
}

export function parseIpv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const o = m.slice(1).map(Number);
  if (o.some((x) => x > 255)) return undefined;
  return ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;
}

export function ipv4ToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Parses an IPv4 CIDR; undefined for anything else (IPv6 prefixes are accepted by the fake but not checked). */
export function parseV4Cidr(s: string): V4Cidr | undefined {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(s.trim());
  if (!m) return undefined;
  const ip = parseIpv4(m[1]!);
  const bits = Number(m[2]);
  if (ip === undefined || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const base = bits === 0 ? 0 : Math.floor(ip / size) * size;
  return { base, bits, size, text: `${ipv4ToString(base)}/${bits}`, hostBits: base !== ip };
}

export function cidrOverlap(a: V4Cidr, b: V4Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

export function cidrContains(outer: V4Cidr, inner: V4Cidr): boolean {
  return inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;
}

export function cidrContainsIp(c: V4Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + c.size;
}

// ---------- JSON access ----------

export function obj(v: unknown): Json {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function props(body: Json): Json {
  return obj(body["properties"]);
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}
