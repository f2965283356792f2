/**
 * core/semaphore.ts: the apply's step slots (AKS_NET_MAX_PARALLEL) and the REST reader's GETs in flight (at most six:
 * queued GETs reuse keep-alive connections; test/e2e/requests.test.ts counts them at the fake ARM).
 */
import assert from "node:assert/strict";
import { semaphore } from "../../src/core/semaphore.ts";

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("semaphore", () => {
  it("lets `limit` holders in at once; the rest get in as slots free, in the order they came", async () => {
    const slots = semaphore(3);
    const entered: number[] = [];
    const waits = Array.from({ length: 8 }, (_, i) => slots.acquire().then(() => entered.push(i)));
    await tick();
    assert.deepEqual(entered, [0, 1, 2]);
    for (let i = 0; i < 5; i++) {
      slots.release();
      await tick();
      assert.equal(entered.length, 4 + i);
    }
    await Promise.all(waits);
    assert.deepEqual(entered, [0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("a waiter whose signal aborts rejects with its reason and never gets a slot; an aborted signal rejects at once", async () => {
    const slots = semaphore(1);
    await slots.acquire();
    const abort = new AbortController();
    const cancelled = slots.acquire(abort.signal);
    const next = slots.acquire();
    abort.abort(new Error("stopped"));
    await assert.rejects(cancelled, /stopped/);
    slots.release();
    await next; // the slot went to the waiter behind the aborted one
    await assert.rejects(slots.acquire(AbortSignal.abort(new Error("already"))), /already/);
    const later = slots.acquire();
    let got = false;
    void later.then(() => (got = true));
    await tick();
    assert.equal(got, false, "one holder at a time");
    slots.release();
    await later;
  });
});
