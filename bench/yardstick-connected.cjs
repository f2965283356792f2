// The yardstick of the 1,000,000-connected-prefix benchmark: the least a program must do with that file, written
// plainly with typed arrays: read it, parse every line strictly (four decimal parts, no leading zeros, /0-/32),
// sort by start with the native sort, and answer overlap queries. `node bench/yardstick-connected.cjs FILE [QUERIES]`
"use strict";
const { readFileSync } = require("node:fs");

const buf = readFileSync(process.argv[2]);
const queries = Number(process.argv[3] ?? 64);
let cap = 1 << 16;
let start = new Uint32Array(cap);
let len = new Uint8Array(cap);
let n = 0;
let i = 0;
while (i < buf.length) {
  // One line: optional edge whitespace, a.b.c.d/p, optional # comment.
  while (i < buf.length && (buf[i] === 32 || buf[i] === 9 || buf[i] === 13)) i++;
  if (i >= buf.length) break;
  if (buf[i] === 10) { i++; continue; }
  if (buf[i] === 35) { while (i < buf.length && buf[i] !== 10) i++; continue; }
  let addr = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) { if (buf[i] !== 46) throw new Error(`bad line at byte ${i}`); i++; }
    const first = buf[i];
    if (first < 48 || first > 57) throw new Error(`bad line at byte ${i}`);
    let v = first - 48;
    i++;
    let digits = 1;
    while (buf[i] >= 48 && buf[i] <= 57) {
      if (v === 0 || ++digits > 3) throw new Error(`bad line at byte ${i}`);
      v = v * 10 + buf[i++] - 48;
    }
    if (v > 255) throw new Error(`bad line at byte ${i}`);
    addr = addr * 256 + v;
  }
  if (buf[i] !== 47) throw new Error(`bad line at byte ${i}`);
  i++;
  let p = buf[i] - 48;
  if (!(p >= 0 && p <= 9)) throw new Error(`bad line at byte ${i}`);
  i++;
  if (buf[i] >= 48 && buf[i] <= 57) {
    if (p === 0) throw new Error(`bad line at byte ${i}`);
    p = p * 10 + buf[i++] - 48;
  }
  if (p > 32) throw new Error(`bad line at byte ${i}`);
  while (i < buf.length && buf[i] !== 10 && buf[i] !== 35) {
    if (buf[i] !== 32 && buf[i] !== 9 && buf[i] !== 13) throw new Error(`bad line at byte ${i}`);
    i++;
  }
  if (n === cap) {
    cap *= 2;
    const s = new Uint32Array(cap); s.set(start); start = s;
    const l = new Uint8Array(cap); l.set(len); len = l;
  }
  const block = 2 ** (32 - p);
  start[n] = addr - (addr % block);
  len[n++] = p;
}
// Sort by start (ties by input position) with one native sort of start·2^21 + position.
const keys = new Float64Array(n);
for (let j = 0; j < n; j++) keys[j] = start[j] * 2 ** 21 + j;
keys.sort();
const sStart = new Uint32Array(n);
const sEnd = new Uint32Array(n);
const maxEnd = new Uint32Array(n);
let running = 0;
for (let k = 0; k < n; k++) {
  const j = keys[k] % 2 ** 21;
  sStart[k] = start[j];
  sEnd[k] = start[j] + 2 ** (32 - len[j]) - 1;
  maxEnd[k] = running = Math.max(running, sEnd[k]);
}
// Overlap queries: /16s across 10.0.0.0/8 and the connected space.
let hits = 0;
for (let q = 0; q < queries; q++) {
  const qs = (q % 2 === 0 ? 0x0a000000 : 0x14000000) + ((q * 7919) % 256) * 65536;
  const qe = qs + 65535;
  let lo = 0;
  let hi = n;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (sStart[mid] <= qe) lo = mid + 1; else hi = mid; }
  for (let k = lo - 1; k >= 0 && maxEnd[k] >= qs; k--) if (sEnd[k] >= qs) hits++;
}
process.stdout.write(`${n} prefixes, ${hits} hits\n`);
