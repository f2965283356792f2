/**
 * At most `limit` holders at once; the others wait in the order they came. A waiter whose signal aborts leaves the
 * queue, rejecting with the signal's reason (an already aborted signal rejects at once).
 */
export function semaphore(limit: number): { acquire(signal?: AbortSignal): Promise<void>; release(): void } {
  let free = limit;
  const waiting: (() => void)[] = [];
  return {
    acquire: (signal) => {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (free > 0) {
        free--;
        return Promise.resolve();
      }
      return new Promise((resolve, reject) => {
        const go = (): void => {
          signal?.removeEventListener("abort", abort);
          resolve();
        };
        const abort = (): void => {
          waiting.splice(waiting.indexOf(go), 1);
          reject(signal?.reason);
        };
        signal?.addEventListener("abort", abort, { once: true });
        waiting.push(go);
      });
    },
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}
