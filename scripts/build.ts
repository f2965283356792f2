/**
 * Builds the CLI into dist/ with esbuild:
 * - dist/main.cjs, one CommonJS bundle of src/. Why: loading ~150 small ES modules (and the ESM loader itself) cost more
 *   than the work of `validate`; one CommonJS file keeps start-up close to a bare `node -e 0`. Commands are still
 *   evaluated lazily (esbuild turns their dynamic imports into on-demand module initialisers). The prompts and
 *   log-update stay external (loaded on the paths that draw them).
 * - dist/azure-sdk.cjs, the Azure SDK symbols src/ imports (found by scanning its `import { ... } from "@azure/..."`
 *   lines), bundled and tree-shaken. main.cjs requires it where src/ imports @azure/*, i.e. only on the paths that talk
 *   to Azure. Loading it costs a fraction of the ~400 ES modules of the SDK packages, and the @azure packages become
 *   build inputs (devDependencies), not part of a production install.
 * Type-checking is `npm run typecheck`; this only transpiles. The V8 code cache is made by bin/aks-net on first run, in
 * the user's cache directory (never shipped: another Node build would reject it).
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { build } from "esbuild";
import type { Plugin } from "esbuild";

const require = createRequire(import.meta.url);

/**
 * Start-up trims that change no behaviour:
 * - chalk's terminal detection (#supports-color) loads node:tty at import; aks-net always passes chalk an explicit
 *   level (io.ts decides colour from NO_COLOR, FORCE_COLOR and the TTY), so chalk's own browser variant, which
 *   detects nothing, is enough;
 * - commander's node:child_process import becomes a lazy proxy (see shims/lazy-child-process.cjs).
 */
const startupTrims: Plugin = {
  name: "startup-trims",
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, () => ({
      path: resolve(require.resolve("chalk"), "../vendor/supports-color/browser.js"),
    }));
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes("/node_modules/commander/") ? { path: resolve("scripts/shims/lazy-child-process.cjs") } : undefined,
    );
  },
};

/** `export { A, B } from "@azure/x";` for every value import of an @azure package in src/ (type imports are erased). */
function sdkEntry(): string {
  const names = new Map<string, Set<string>>();
  const files = readdirSync("src", { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
  for (const f of files) {
    for (const m of readFileSync(`src/${f}`, "utf8").matchAll(/^import\s+\{([^}]+)\}\s+from\s+"(@azure\/[^"]+)";/gm)) {
      const values = (m[1] as string).split(",").map((n) => n.trim()).filter((n) => n && !n.startsWith("type "));
      const set = names.get(m[2] as string) ?? new Set<string>();
      values.forEach((n) => set.add(n));
      names.set(m[2] as string, set);
    }
  }
  return [...names].map(([pkg, set]) => `export { ${[...set].sort().join(", ")} } from "${pkg}";`).join("\n");
}

/** src/'s @azure/* imports become one external require of the SDK bundle next to main.cjs. */
const sdkBundle: Plugin = {
  name: "azure-sdk-bundle",
  setup(b) {
    b.onResolve({ filter: /^@azure\// }, () => ({ path: "./azure-sdk.cjs", external: true }));
  },
};

const common = { bundle: true, format: "cjs", platform: "node", target: "node22", minifyWhitespace: true, minifySyntax: true, logLevel: "warning" } as const;
rmSync("dist", { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ["src/main.ts"],
  outfile: "dist/main.cjs",
  external: ["@inquirer/*", "log-update"],
  plugins: [startupTrims, sdkBundle],
});
await build({
  ...common,
  stdin: { contents: sdkEntry(), resolveDir: process.cwd(), sourcefile: "azure-sdk-entry.ts", loader: "ts" },
  outfile: "dist/azure-sdk.cjs",
});
