// Runs aks-net's bundles (dist/*.cjs, each a CommonJS module written as a function expression by scripts/build.ts)
// with V8 code caches kept in the user's cache directory ($XDG_CACHE_HOME/aks-net, else ~/.cache/aks-net), made on
// first run: a cache shipped in the package would be rejected by any other Node build.
// Why not Node's own compile cache (module.enableCompileCache): it keeps only what V8 compiles eagerly, so every run
// still compiled each function it called (the rule engine's hundreds; the Azure credential and HTTP pipeline: ~9 ms
// to compile the SDK bundle plus its lazy functions on every Azure run). A cache made after a run holds them too (the
// v8-compile-cache technique). One cache per bundle (and per tag): what one bundle's runs compile does not decide what
// another's find compiled.
// A cache is an accelerator only: missing, stale (V8 rejects it, then it is rewritten), corrupt or unwritable, the
// bundle runs the same.
// Every bundle loaded here is published on the diagnostics channel "aks-net:bundle" ({ file }): the bundles no longer
// go through require, and test/helpers/module-trace.ts listens there to prove what a run loaded.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { channel } = require("node:diagnostics_channel");
const { isAscii } = require("node:buffer");

/** $XDG_CACHE_HOME/aks-net (an absolute one: the XDG spec says to ignore a relative one), else ~/.cache/aks-net; none without a home. */
const cacheDir = (() => {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "aks-net");
  try {
    const home = process.env.HOME || require("node:os").homedir();
    return path.isAbsolute(home) ? path.join(home, ".cache", "aks-net") : undefined;
  } catch {
    return undefined; // no home directory at all (os.homedir throws): no caches
  }
})();
const loads = channel("aks-net:bundle");
/** Bundles loaded by require (from another bundle), by path: each is evaluated once, as require would. */
const loaded = new Map();
/** Caches to write at exit: [script, file]. */
const pending = [];

/**
 * Runs the bundle `file` as a CommonJS module and returns its exports. `tag`: a cache of its own for runs that use the
 * bundle differently (help); `cache`: readCache's answer when already asked. The bundle's require loads its sibling
 * bundles (`./azure-sdk.cjs`, required where src/ imports the SDK) through here too, with their own caches.
 */
function run(file, { tag = "", cache = readCache(file, tag) } = {}) {
  const { cacheFile, cachedData } = cache;
  const script = new vm.Script(readSource(file), {
    filename: file,
    cachedData,
    // The CLI bundle import()s the prompt and progress libraries (ES modules) on first use: resolve them as Node would.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    if (pending.length === 0) process.once("exit", writeCaches);
    pending.push([script, cacheFile]);
  }
  if (loads.hasSubscribers) loads.publish({ file });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, requireFor(file), mod, file, path.dirname(file));
  return mod.exports;
}

/** A cache V8 writes for these bundles is a few megabytes; anything larger is not one. */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/** The cache of `file` (for `tag`) in the user's cache directory: its path, and its bytes when there is one. */
function readCache(file, tag = "") {
  let cacheFile;
  try {
    cacheFile = cacheDir && path.join(cacheDir, cacheName(file, tag));
    return { cacheFile, cachedData: cacheFile ? readRegularFile(cacheFile, MAX_CACHE_BYTES) : undefined };
  } catch {
    return { cacheFile, cachedData: undefined }; // none yet, or unreadable: the run makes it
  }
}

/**
 * Whether a file is this user's and only theirs to change (src/io/read-capped.ts has the same for the files the bundles
 * keep; this loader runs before any bundle). V8 trusts a code cache as it trusts what it compiled
 * itself: a cache another user could write (in a cache directory under a shared XDG_CACHE_HOME) would run what they
 * made of it in this process.
 */
function mine(st) {
  return typeof process.getuid !== "function" || (st.uid === process.getuid() && (st.mode & 0o022) === 0);
}

/**
 * The bytes of `file` when it is a regular file of at most `max` bytes and this user's alone (see mine), else
 * undefined. Opened without blocking and checked before it is read: a FIFO put where a cache goes hung every run at
 * its open, and a link to /dev/zero read until memory ran out. Such a cache is none: the run writes a real one in its
 * place.
 */
function readRegularFile(file, max) {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > max || !mine(st)) return undefined;
    const size = st.size;
    const bytes = Buffer.allocUnsafe(size);
    let read = 0;
    for (let n; read < size && (n = fs.readSync(fd, bytes, read, size - read, read)) > 0; ) read += n;
    return read === size ? bytes : bytes.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * require for a bundle: its sibling bundles (`./name.cjs`) through run(), once each; builtins (all that a light
 * command requires) as they are; anything else as Node resolves it from the bundle (node:module loaded only then).
 */
function requireFor(file) {
  let req;
  return (id) => {
    const builtin = process.getBuiltinModule(id);
    if (builtin !== undefined) return builtin;
    if (!/^\.\/[\w.-]+\.cjs$/.test(id)) return (req ??= require("node:module").createRequire(file))(id);
    const sibling = path.join(path.dirname(file), id);
    if (!loaded.has(sibling)) loaded.set(sibling, run(sibling));
    return loaded.get(sibling);
  };
}

function writeCaches() {
  // A cache holds what this run compiled and is kept while V8 accepts it: a run that stopped at a usage error (exit 2)
  // would leave the next real runs compiling their code.
  if (process.exitCode === 2) return;
  for (const [script, cacheFile] of pending) {
    const tmp = `${cacheFile}.${process.pid}`;
    try {
      makeDirs(cacheDir);
      // A new file of its own: a link someone planted at this name (where others can write) is not followed.
      fs.rmSync(tmp, { force: true });
      fs.writeFileSync(tmp, script.createCachedData(), { flag: "wx", mode: 0o644 });
      // Atomic: a run starting meanwhile reads the old cache or the new one, never half of one.
      fs.renameSync(tmp, cacheFile);
      // The caches of earlier builds of this bundle will never be read again, nor will the half-written file of a run
      // of it that was killed while writing (named by its process id, which no longer runs).
      const mine = path.basename(cacheFile);
      for (const f of fs.readdirSync(cacheDir)) {
        if (f === mine || !f.startsWith(mine.slice(0, 9))) continue;
        const writer = /\.v8cache\.(\d+)$/.exec(f);
        if (f.endsWith(".v8cache") || (writer && !running(Number(writer[1])))) fs.rmSync(path.join(cacheDir, f), { force: true });
      }
    } catch {
      // A read-only or missing home (or a full disk) simply runs without the cache.
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // Nothing was written.
      }
    }
  }
}

/**
 * mkdir -p. Not Node's recursive mkdir: it never returns when a directory cannot be made because its parent refuses
 * with ENOENT (under /proc: XDG_CACHE_HOME=/proc/x hung every run). Throws when a directory cannot be made.
 */
function makeDirs(dir) {
  const missing = [];
  for (let d = dir; !fs.existsSync(d) && path.dirname(d) !== d; d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if (e.code !== "EEXIST") throw e; // another run made it meanwhile
    }
  }
}

/** Whether process `pid` exists (signal 0 only asks; EPERM: it exists, as another user's). */
function running(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
}

/**
 * A bundle's text. esbuild writes ASCII (its default charset escapes the rest), which is read as Latin-1: V8 takes
 * those bytes as they are, ~1 ms sooner than decoding 700 KB as UTF-8. A bundle holding other bytes (a regular
 * expression esbuild left as written) is decoded as UTF-8.
 */
function readSource(file) {
  const bytes = fs.readFileSync(file);
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

/** The name of `file`'s cache: one per bundle (by its path) and tag, per build of it and of Node (size, mtime; version, arch). */
function cacheName(file, tag = "") {
  const st = fs.statSync(file);
  return `${fnv1a(`${file}${tag ? `|${tag}` : ""}`)}-${fnv1a(`${st.size}|${st.mtimeMs}|${process.version}|${process.arch}`)}.v8cache`;
}

/** A short, stable name for a string (32-bit FNV-1a, hex). */
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

module.exports = { run, readCache, makeDirs, cacheDir, cacheName, readSource };
