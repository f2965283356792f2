/**
 * io/read-capped.ts: the capped read behind spec files, `@FILE` lists and the journal; and the journal's reader on top
 * of it (a journal is only a hint: missing, unreadable or oversized reads as none).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readUpTo } from "../../src/io/read-capped.ts";
import { readJournalFile } from "../../src/io/journal-file.ts";

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

  it("the journal: its text; none when missing, a directory, or over 1 MiB", async () => {
    const file = join(dir, "j.json");
    writeFileSync(file, '{"steps":[]}');
    assert.equal(await readJournalFile(file), '{"steps":[]}');
    assert.equal(await readJournalFile(join(dir, "missing.json")), undefined);
    assert.equal(await readJournalFile(dir), undefined);
    writeFileSync(file, "x".repeat((1 << 20) + 1));
    assert.equal(await readJournalFile(file), undefined);
  });
});
