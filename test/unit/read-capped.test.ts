/**
 * io/read-capped.ts: the capped read behind spec files, `@FILE` lists and the journal; and the journal's reader on top
 * of it (a journal is only a hint: missing, unreadable or oversized reads as none). io/user-dirs.ts: the cached
 * documents read and written with it.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readRegularFile, readUpTo, writeFileAtomic } from "../../src/io/read-capped.ts";
import { azCliDefaultSubscription } from "../../src/io/az-profile.ts";
import { readJournalFile } from "../../src/io/journal-file.ts";
import { cacheDir, readCached, writeCached } from "../../src/io/user-dirs.ts";

describe("capped file reads", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-capped-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads UTF-8 text up to the cap; one byte more is undefined", () => {
    const file = join(dir, "f.txt");
    writeFileSync(file, "héllo");
    assert.equal(readUpTo(file, 6), "héllo");
    assert.equal(readUpTo(file, 5), undefined);
  });

  it("a file whose size stat() does not know (/dev/zero) stops at the cap", () => {
    assert.equal(readUpTo("/dev/zero", 3 << 20), undefined);
  });

  it("a missing file throws (the callers say how: a usage error for a spec, none for a journal)", () => {
    assert.throws(() => readUpTo(join(dir, "missing"), 10), /ENOENT/);
  });

  it("a file aks-net or az keeps: a regular file's text up to the cap; a FIFO, a device or a directory is none, at once", () => {
    const file = join(dir, "f.json");
    writeFileSync(file, "héllo");
    assert.equal(readRegularFile(file, 6), "héllo");
    assert.equal(readRegularFile(file, 5), undefined);
    execFileSync("mkfifo", [join(dir, "fifo")]);
    assert.equal(readRegularFile(join(dir, "fifo"), 10), undefined);
    symlinkSync("/dev/zero", join(dir, "zero"));
    assert.equal(readRegularFile(join(dir, "zero"), 1 << 30), undefined);
    assert.equal(readRegularFile(dir, 10), undefined);
    assert.throws(() => readRegularFile(join(dir, "missing"), 10), /ENOENT/);
  });

  it("aks-net's own files (mine): none when others may write them, or when another user owns them", () => {
    const file = join(dir, "own.json");
    writeFileSync(file, "{}", { mode: 0o600 });
    assert.equal(readRegularFile(file, 10, { mine: true }), "{}");
    chmodSync(file, 0o644);
    assert.equal(readRegularFile(file, 10, { mine: true }), "{}");
    for (const mode of [0o666, 0o620]) {
      chmodSync(file, mode);
      assert.equal(readRegularFile(file, 10, { mine: true }), undefined, mode.toString(8));
      assert.equal(readRegularFile(file, 10), "{}", "another tool's file (the az profile) is read as it is");
    }
    chmodSync(file, 0o600);
    // Only root can give a file away; CI runs as root here.
    if (process.getuid?.() === 0) {
      chownSync(file, 65534, 65534);
      assert.equal(readRegularFile(file, 10, { mine: true }), undefined, "another user's");
    }
  });

  it("an atomic write does not follow a link planted at its temporary file's name", () => {
    const victim = join(dir, "victim");
    writeFileSync(victim, "keep me");
    const file = join(dir, "doc.json");
    symlinkSync(victim, `${file}.${process.pid}.tmp`);
    writeFileAtomic(file, "new", 0o600);
    assert.equal(readFileSync(victim, "utf8"), "keep me");
    assert.equal(readFileSync(file, "utf8"), "new");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir).sort(), ["doc.json", "victim"]);
  });

  it("the journal: its text; none when missing, a directory, or over 1 MiB", async () => {
    const file = join(dir, "j.json");
    writeFileSync(file, '{"steps":[]}');
    assert.equal(await readJournalFile(file), '{"steps":[]}');
    assert.equal(await readJournalFile(join(dir, "missing.json")), undefined);
    assert.equal(await readJournalFile(dir), undefined);
    writeFileSync(file, "x".repeat((1 << 20) + 1));
    assert.equal(await readJournalFile(file), undefined);
    rmSync(file);
    execFileSync("mkfifo", [file]);
    assert.equal(await readJournalFile(file), undefined, "a FIFO: none, without waiting for a writer");
    rmSync(file);
    writeFileSync(file, '{"steps":[]}', { mode: 0o666 });
    chmodSync(file, 0o666);
    assert.equal(await readJournalFile(file), undefined, "one others may write is not aks-net's");
  });
});

describe("the user's cache directory: small JSON documents, a hint only", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-cache-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const env = (): Record<string, string> => ({ XDG_CACHE_HOME: dir });

  it("$XDG_CACHE_HOME/aks-net when absolute, else ~/.cache/aks-net; none without an absolute home", () => {
    assert.equal(cacheDir({ XDG_CACHE_HOME: "/x/y" }), "/x/y/aks-net");
    assert.equal(cacheDir({ XDG_CACHE_HOME: "rel", HOME: "/home/u" }), "/home/u/.cache/aks-net");
    assert.equal(cacheDir({ HOME: "relative" }), undefined);
  });

  it("writes (mode 0600, directories 0700) and reads back a document; none when missing", () => {
    assert.equal(readCached("doc.json", env()), undefined);
    writeCached("doc.json", { a: [1, "b"] }, env());
    assert.deepEqual(readCached("doc.json", env()), { a: [1, "b"] });
    assert.equal(statSync(join(dir, "aks-net", "doc.json")).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "aks-net")).mode & 0o777, 0o700);
    assert.deepEqual(readdirSync(join(dir, "aks-net")), ["doc.json"], "no temporary file left");
  });

  it("not JSON, over 64 KiB, a directory or a FIFO (which would block a plain open) reads as none, at once", () => {
    mkdirSync(join(dir, "aks-net"));
    writeFileSync(join(dir, "aks-net", "bad.json"), "{not json");
    assert.equal(readCached("bad.json", env()), undefined);
    writeFileSync(join(dir, "aks-net", "big.json"), `"${"x".repeat(64 * 1024)}"`);
    assert.equal(readCached("big.json", env()), undefined);
    mkdirSync(join(dir, "aks-net", "dir.json"));
    assert.equal(readCached("dir.json", env()), undefined);
    execFileSync("mkfifo", [join(dir, "aks-net", "fifo.json")]);
    assert.equal(readCached("fifo.json", env()), undefined);
    writeFileSync(join(dir, "aks-net", "shared.json"), "{}");
    chmodSync(join(dir, "aks-net", "shared.json"), 0o666);
    assert.equal(readCached("shared.json", env()), undefined, "a document others may write");
  });

  it("a cache directory that cannot be made (under /proc, or a file in the way) drops the write without an error", () => {
    writeCached("doc.json", { a: 1 }, { XDG_CACHE_HOME: "/proc/nope" });
    writeFileSync(join(dir, "aks-net"), "a file, not a directory");
    writeCached("doc.json", { a: 1 }, env());
    assert.equal(readCached("doc.json", env()), undefined);
  });
});

describe("the Azure CLI's default subscription (io/az-profile.ts)", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-azprofile-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const profile = (): string => join(dir, "azureProfile.json");
  const env = (): Record<string, string> => ({ AZURE_CONFIG_DIR: dir });

  it("the subscription marked default, in a file az wrote with a byte-order mark", () => {
    writeFileSync(profile(), `\uFEFF${JSON.stringify({ subscriptions: [{ id: "a" }, { id: "b", isDefault: true }] })}`);
    assert.equal(azCliDefaultSubscription(env()), "b");
  });

  it("none: no file, no default, a default without a string id, not JSON, a FIFO, a link to /dev/zero", () => {
    assert.equal(azCliDefaultSubscription(env()), undefined);
    for (const text of [JSON.stringify({ subscriptions: [{ id: "a" }] }), JSON.stringify({ subscriptions: [{ id: 7, isDefault: true }] }), JSON.stringify({ subscriptions: "x" }), "{not json", "null"]) {
      writeFileSync(profile(), text);
      assert.equal(azCliDefaultSubscription(env()), undefined, text);
    }
    rmSync(profile());
    execFileSync("mkfifo", [profile()]);
    assert.equal(azCliDefaultSubscription(env()), undefined);
    rmSync(profile());
    symlinkSync("/dev/zero", profile());
    assert.equal(azCliDefaultSubscription(env()), undefined);
  });
});
