/**
 * Production install size: the packages `npm ci --omit=dev` installs (the closure of `dependencies` over this
 * checkout's node_modules, resolved as Node resolves), against the same manifest with the Azure SDK packages as runtime dependencies, as they
 * were before dist/azure-sdk.cjs bundled them. Sizes are file bytes on disk, each package counted once.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ROOT, bench, table, target } from "./harness.ts";

/** Bytes of the files of one package directory, not descending into its own node_modules (listed separately). */
function packageBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules") continue;
    const p = join(dir, e.name);
    total += e.isDirectory() ? packageBytes(p) : e.isFile() ? lstatSync(p).size : 0;
  }
  return total;
}

/** Where `name` resolves from package directory `from` (its own node_modules first, then each parent's). */
function resolvePackage(name: string, from: string): string | undefined {
  for (let dir = from; dir.startsWith(ROOT.replace(/\/$/, "")); dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === dirname(dir)) break;
  }
  return undefined;
}

/** The packages a production install of `dependencies` holds (the dependency closure over this node_modules tree). */
function productionBytes(dependencies: Record<string, string>): { packages: number; bytes: number; azure: number } {
  const seen = new Set<string>();
  const queue: [string, string][] = Object.keys(dependencies).map((n) => [n, ROOT]);
  while (queue.length > 0) {
    const [name, from] = queue.pop() as [string, string];
    const dir = resolvePackage(name, from);
    if (!dir || seen.has(dir)) continue;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) queue.push([dep, dir]);
  }
  let bytes = 0;
  let azure = 0;
  for (const d of seen) {
    const b = packageBytes(d);
    bytes += b;
    if (d.includes("/@azure/")) azure += b;
  }
  return { packages: seen.size, bytes, azure };
}

bench("install", async () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const sdk = Object.fromEntries(Object.entries(manifest.devDependencies).filter(([k]) => k.startsWith("@azure/")));
  const now = productionBytes(manifest.dependencies);
  now.bytes += lstatSync(join(ROOT, "dist", "azure-sdk.cjs")).size; // the SDK now ships inside the package
  const before = productionBytes({ ...manifest.dependencies, ...sdk });
  const mb = (b: number): string => (b / 1e6).toFixed(1);
  table(
    ["production install (dependency closure)", "packages", "MB", "of which @azure (MB)"],
    [
      ["Azure SDK as runtime dependencies (before)", String(before.packages), mb(before.bytes), mb(before.azure)],
      ["SDK bundled into dist/azure-sdk.cjs (now; bundle included)", String(now.packages), mb(now.bytes), mb(now.azure)],
    ],
  );
  target("production install size", now.bytes / before.bytes, 0.5, "SDK as runtime dependencies");
  await Promise.resolve();
});
