/**
 * Builds dist/main.cjs, one CommonJS bundle of the CLI, with esbuild.
 * Why: loading ~150 small ES modules (and the ESM loader itself) cost more than the work of `validate`; one
 * CommonJS file keeps start-up close to a bare `node -e 0`. Commands are still evaluated lazily (esbuild turns
 * their dynamic imports into on-demand module initialisers), and the Azure SDK, the prompts and log-update stay
 * external, so they load only on the paths that use them. Type-checking is `npm run typecheck`; this only transpiles.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
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

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node22",
  outfile: "dist/main.cjs",
  external: ["@azure/*", "@inquirer/*", "log-update"],
  plugins: [startupTrims],
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: "warning",
});

// Warm bin/aks-net's V8 code cache with the rule engine's hot path (a YAML spec with findings of most families,
// rendered for a human), so the first user run is already fast. That spec is invalid on purpose: exit 3 is expected.
const warm = spawnSync(process.execPath, ["bin/aks-net", "validate", "-f", "examples/broken.yaml"], { stdio: "ignore" });
if (warm.status !== 3) throw new Error(`warming the code cache: expected exit 3 from examples/broken.yaml, got ${warm.status}`);
