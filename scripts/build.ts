/**
 * Builds the CLI into dist/ with esbuild:
 * - dist/main.cjs, one CommonJS bundle of src/. Why: loading ~150 small ES modules (and the ESM loader itself) cost more
 *   than the work of `validate`; one CommonJS file keeps start-up close to a bare `node -e 0`. Commands are still
 *   evaluated lazily (esbuild turns their dynamic imports into on-demand module initialisers). The prompts and
 *   log-update stay external (loaded on the paths that draw them). dist/validate.cjs and create.cjs: the
 *   same without the other commands (see OWN_BUNDLE).
 * - dist/azure-sdk.cjs and dist/azure-arm.cjs, the Azure SDK symbols src/ imports (found by scanning its
 *   `import { ... } from "@azure/..."` lines), bundled and tree-shaken: the credential and the HTTP pipeline in the
 *   first, the arm-* clients (megabytes of serializers evaluated at load) in the second. main.cjs requires each where
 *   src/ imports it (through bin/code-cache.cjs, with a code cache of its own), i.e. only on the paths that talk to
 *   Azure, and the clients only where something is written: a run that only reads (validate --live, a no-op create)
 *   never evaluates them. MSAL, which only some sign-ins use, is a third (dist/azure-msal.cjs; see LAZY_ESM), required
 *   by the first on first use. Loading them costs a fraction of the
 *   ~400 ES modules of the SDK packages, and the @azure packages become build inputs (devDependencies), not part of
 *   a production install.
 * Type-checking is `npm run typecheck`; this only transpiles. The V8 code caches are made by bin/code-cache.cjs on first
 * run, in the user's cache directory (never shipped: another Node build would reject it).
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { build } from "esbuild";
import type { Plugin } from "esbuild";

/**
 * Start-up trims that change no behaviour:
 * - chalk's terminal detection (#supports-color) loads node:tty (and node:net, the streams) at import; aks-net always
 *   passes chalk an explicit level (io.ts decides colour from NO_COLOR, FORCE_COLOR and the TTY), so its import
 *   becomes the answer "no colour detected" (even chalk's browser variant reads globalThis.navigator, which Node
 *   builds on first use);
 * - commander's builtins (COMMANDER_BUILTINS): its default imports of CommonJS builtins went through esbuild's interop,
 *   which copies every member of node:fs and of process into a new object at load; node:child_process (with net,
 *   dgram and the streams), used only to run executable subcommands, which aks-net never has, loads on first use;
 * - node:util is imported through shims/util.cjs (see there);
 * - commander's Option tests every flag against /\p{ID_Continue}\.\.\.[>\]]$/u (is it variadic?): creating that
 *   expression has ICU build the ID_Continue set (~0.5 ms of every start-up). It now runs only for flags that end in
 *   "...>" or "...]", the only ones it can match (VARIADIC_TEST; the build fails if commander's line changes);
 * - commander's index builds a default `program` (a whole Command) at load, which aks-net never uses: marked pure, the
 *   bundle drops it (UNUSED_PROGRAM);
 * - package.json: src/ reads only its version, so the bundle holds only that (the whole object was built at load);
 * - js-yaml builds its dumper at load; only the wizard writes YAML: the dumper is built on the first dump (LAZY_DUMPER).
 * Each spares every start-up work and young-generation allocation (test/e2e/bundles.test.ts checks they hold).
 */
/** What commander's imports of builtins resolve to: ES modules, so that its imports bind without copying. */
const COMMANDER_BUILTINS: Record<string, string> = {
  "node:path": 'export default require("node:path");',
  "node:fs": 'export default require("node:fs");',
  "node:process": "export default process;",
  // Not require("node:util"): that would resolve to shims/util.cjs, which defines a getter for each of its members.
  "node:util": 'export const { stripVTControlCharacters } = process.getBuiltinModule("node:util");',
  "node:child_process": 'let real;\nexport default new Proxy({}, { get: (_target, key) => (real ??= require("node:child_process"))[key] });',
};
const UNUSED_PROGRAM = {
  file: /\/node_modules\/commander\/index\.js$/,
  from: "export const program = new Command();",
  to: "export const program = /* @__PURE__ */ new Command();",
};
const LAZY_DUMPER = {
  file: /\/node_modules\/js-yaml\/dist\/js-yaml\.mjs$/,
  from: "  const dumper2 = requireDumper();",
  to: "  const dumper2 = { dump: (...args) => requireDumper().dump(...args) };",
};
/**
 * The HTTP runtime's request ids came from globalThis.crypto.randomUUID(): that getter loads Node's whole Web Crypto
 * module (~2 ms of every Azure run) for one function node:crypto (loaded by the credential already) has too, drawing on
 * the same CSPRNG.
 */
const NODE_RANDOM_UUID = {
  file: /\/@typespec\/ts-http-runtime\/dist\/esm\/util\/uuidUtils\.js$/,
  from: "return globalThis.crypto.randomUUID();",
  to: 'return process.getBuiltinModule("node:crypto").randomUUID();',
};
/**
 * The HTTP runtime's form-data step asks every request `typeof FormData`: the first read of that global loads Node's
 * undici (~20 ms of CPU), whatever the body. Only an object can be a FormData: other bodies (the credential's and the
 * clients' text, none for a GET) are answered without it. The default credential chain's managed identity probe paid
 * it on every Azure run that did not narrow the chain (AZURE_TOKEN_CREDENTIALS).
 */
const FORM_DATA_CHECK = {
  file: /\/@typespec\/ts-http-runtime\/dist\/(esm|commonjs)\/formData\.js$/,
  from: 'typeof FormData !== "undefined" && body instanceof FormData',
  to: 'typeof body === "object" && body !== null && typeof FormData !== "undefined" && body instanceof FormData',
};
const OWN_PACKAGE_JSON = resolve("package.json");
const VARIADIC_TEST = {
  file: /\/node_modules\/commander\/lib\/option\.js$/,
  from: "this.variadic = /\\p{ID_Continue}\\.\\.\\.[>\\]]$/u.test(flags);",
  to: 'this.variadic = (flags.endsWith("...>") || flags.endsWith("...]")) && /\\p{ID_Continue}\\.\\.\\.[>\\]]$/u.test(flags);',
};
const startupTrims: Plugin = {
  name: "startup-trims",
  setup(b) {
    for (const [edit, name] of [[VARIADIC_TEST, "VARIADIC_TEST"], [UNUSED_PROGRAM, "UNUSED_PROGRAM"], [LAZY_DUMPER, "LAZY_DUMPER"], [NODE_RANDOM_UUID, "NODE_RANDOM_UUID"], [FORM_DATA_CHECK, "FORM_DATA_CHECK"]] as const) {
      b.onLoad({ filter: edit.file }, (args) => {
        const text = readFileSync(args.path, "utf8");
        if (!text.includes(edit.from)) throw new Error(`${args.path}: the line to edit changed; review ${name} in scripts/build.ts`);
        return { contents: text.replace(edit.from, edit.to), loader: "js" };
      });
    }
    b.onLoad({ filter: /\/package\.json$/ }, (args) =>
      args.path === OWN_PACKAGE_JSON ? { contents: JSON.stringify({ version: (JSON.parse(readFileSync(args.path, "utf8")) as { version: string }).version }), loader: "json" } : undefined,
    );
    b.onResolve({ filter: /^#supports-color$/ }, () => ({ path: "#supports-color", namespace: "no-colour-detected" }));
    b.onLoad({ filter: /.*/, namespace: "no-colour-detected" }, () => ({ contents: "export default { stdout: false, stderr: false };", loader: "js" }));
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.importer.includes("/node_modules/commander/") && args.path in COMMANDER_BUILTINS ? { path: args.path, namespace: "commander-builtin" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "commander-builtin" }, (args) => ({ contents: COMMANDER_BUILTINS[args.path] as string, loader: "js" }));
    b.onResolve({ filter: /^(node:)?util$/ }, (args) => (args.importer.endsWith("/scripts/shims/util.cjs") ? undefined : { path: resolve("scripts/shims/util.cjs") }));
  },
};

/**
 * Packages a bundle evaluates at load but calls only on rare paths become lazy: in the SDK bundle, jsonwebtoken (MSAL
 * signs a client assertion with it: certificate sign-in only) and the proxy agents (only with HTTPS_PROXY set); in the
 * CLI bundles, ipaddr.js (core/cidr.ts parses IPv6 text with it: its load builds dozens of regular expressions and
 * special-range tables that an IPv4 spec never reads). Each import gets an object whose members load the real package
 * on first use; the bundle still contains it.
 */
const LAZY: Record<string, { file: string; names: string[] }> = {
  jsonwebtoken: { file: "jsonwebtoken/index.js", names: ["sign", "verify", "decode"] },
  "https-proxy-agent": { file: "https-proxy-agent/dist/index.js", names: ["HttpsProxyAgent"] },
  "http-proxy-agent": { file: "http-proxy-agent/dist/index.js", names: ["HttpProxyAgent"] },
  "ipaddr.js": { file: "ipaddr.js/lib/ipaddr.js", names: ["IPv6", "fromByteArray"] },
};
const lazyPackages: Plugin = {
  name: "lazy-packages",
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${Object.keys(LAZY).map((name) => name.replace(/\./g, "\\.")).join("|")})$`) }, (args) => ({ path: args.path, namespace: "lazy" }));
    b.onLoad({ filter: /.*/, namespace: "lazy" }, (args) => {
      const { file, names } = LAZY[args.path] as { file: string; names: string[] };
      const getters = names.map((n) => `Object.defineProperty(lazy, ${JSON.stringify(n)}, { enumerable: true, get: () => load()[${JSON.stringify(n)}] });`).join("\n");
      return { contents: `let real;\nconst load = () => (real ??= require(${JSON.stringify(file)}));\nconst lazy = {};\n${getters}\nmodule.exports = lazy;\n`, loader: "js", resolveDir: process.cwd() };
    });
  },
};

/**
 * Builtins the SDK bundle imports at load but uses on rare paths: node:zlib (the HTTP client inflates a compressed
 * response; ARM answers these reads uncompressed) and node:fs/promises (the credentials that read a file: certificate,
 * workload identity token, the browser opener; loading it loads node:readline and the fs watchers too). Each import
 * gets an object with the builtin's members (named here, at build time) as getters that load it on first use.
 */
const LAZY_BUILTINS = ["node:zlib", "node:fs/promises"];
const lazyBuiltins: Plugin = {
  name: "lazy-builtins",
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${LAZY_BUILTINS.map((n) => `${n}|${n.slice(5)}`).join("|")})$`) }, (args) =>
      // The shim's own require is the builtin itself.
      args.namespace === "lazy-builtin" ? { path: args.path, external: true } : { path: args.path.replace(/^(node:)?/, "node:"), namespace: "lazy-builtin" },
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => {
      const names = Object.getOwnPropertyNames(process.getBuiltinModule(args.path));
      const getters = names.map((n) => `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => load()[${JSON.stringify(n)}] });`).join("\n");
      return { contents: `let real;\nconst load = () => (real ??= require(${JSON.stringify(args.path)}));\n${getters}\n`, loader: "js" };
    });
  },
};

/**
 * The SDK's ES modules import Node's builtins by default import (`import process from "node:process"`), and esbuild's
 * CommonJS interop (__toESM) answers each such import with a copy of every member of the module, as getters: about
 * 2,500 getters at every load of the SDK bundle (node:process alone is imported in 11 places, node:util through its
 * shim in 9). For ES-module importers these builtins become ES-module shims whose default export is the module itself,
 * with the few named exports the SDK imports (a named import missing here fails the build); node:zlib and
 * node:fs/promises are still loaded on first use (LAZY_BUILTINS). CommonJS requires are left as they were.
 */
const ESM_BUILTINS: Record<string, { named?: string[] }> = {
  "node:process": {},
  "node:fs": { named: ["accessSync", "constants", "readFileSync", "realpathSync", "statSync"] },
  "node:path": {},
  "node:os": { named: ["EOL"] },
  "node:child_process": { named: ["execFile", "execFileSync"] },
  "node:crypto": { named: ["X509Certificate", "createHash", "createHmac", "createPrivateKey", "randomUUID"] },
  "node:http": {},
  "node:https": {},
  "node:util": { named: ["promisify", "inspect", "types"] },
  "node:zlib": {},
  "node:fs/promises": { named: ["constants", "readFile"] },
};
const esmBuiltins: Plugin = {
  name: "esm-builtins",
  setup(b) {
    const names = Object.keys(ESM_BUILTINS).map((n) => n.slice(5).replace("/", "\\/"));
    b.onResolve({ filter: new RegExp(`^(node:)?(${names.join("|")})$`) }, (args) => {
      const path = args.path.replace(/^(node:)?/, "node:");
      if (args.namespace === "esm-builtin") return { path, external: true }; // the shim's own require: the builtin
      return args.kind === "import-statement" ? { path, namespace: "esm-builtin" } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: "esm-builtin" }, (args) => {
      const { named = [] } = ESM_BUILTINS[args.path] as { named?: string[] };
      const lazy = LAZY_BUILTINS.includes(args.path);
      const req = JSON.stringify(args.path);
      if (!lazy) return { contents: `const m = require(${req});\nexport default m;\n${named.length > 0 ? `export const { ${named.join(", ")} } = m;\n` : ""}`, loader: "js" };
      // Loaded on the first member read: the default export and each named one (a function, or an object) ask for it.
      const member = (n: string): string =>
        n === "constants" ? `export const constants = new Proxy({}, { get: (_target, key) => load().constants[key] });` : `export const ${n} = (...args) => load().${n}(...args);`;
      return { contents: `let real;\nconst load = () => (real ??= require(${req}));\nexport default new Proxy({}, { get: (_target, key) => load()[key] });\n${named.map(member).join("\n")}\n`, loader: "js" };
    });
  },
};

/**
 * ES-module packages of the SDK bundle that only some sign-ins use: MSAL (the two @azure/msal-* packages and theirs,
 * about half of the SDK's code) serves the managed identity, service principal and browser credentials, but not the
 * Azure CLI's (a DefaultAzureCredential narrowed by AZURE_TOKEN_CREDENTIALS=AzureCliCredential never calls it). Each
 * is a bundle of its own (dist/azure-msal.cjs), required on first use of one of its exports (each a getter, named
 * here at build time): a run that signs in with az neither reads nor evaluates it (it was ~450 KB of the SDK bundle's
 * text, read and decoded on every Azure run).
 */
const LAZY_ESM: Record<string, string> = { "@azure/msal-node": "./azure-msal.cjs" };
/** The ES module entry of a package by its path: its `exports` would give a require() the CommonJS build instead. */
const esmEntry = (pkg: string): string => resolve("node_modules", pkg, (JSON.parse(readFileSync(resolve("node_modules", pkg, "package.json"), "utf8")) as { module: string }).module);
const lazyEsm: Plugin = {
  name: "lazy-esm",
  setup(b) {
    const bundles = Object.values(LAZY_ESM);
    b.onResolve({ filter: new RegExp(`^(${Object.keys(LAZY_ESM).join("|")})$`) }, (args) => ({ path: args.path, namespace: "lazy-esm" }));
    // The package's own bundle, required at run time through bin/code-cache.cjs (a sibling bundle, with its cache).
    b.onResolve({ filter: /^\.\/[\w-]+\.cjs$/ }, (args) => (args.namespace === "lazy-esm" && bundles.includes(args.path) ? { path: args.path, external: true } : undefined));
    b.onLoad({ filter: /.*/, namespace: "lazy-esm" }, async (args) => {
      const names = Object.keys((await import(esmEntry(args.path))) as object);
      const getters = names.map((n) => `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => load()[${JSON.stringify(n)}] });`).join("\n");
      return { contents: `let real;\nconst load = () => (real ??= require(${JSON.stringify(LAZY_ESM[args.path])}));\n${getters}\n`, loader: "js" };
    });
  },
};

/** The SDK bundle a package goes to: the arm-* clients apart from the credential and pipeline. */
const bundleOf = (pkg: string): string => (pkg.startsWith("@azure/arm-") ? "./azure-arm.cjs" : "./azure-sdk.cjs");

/**
 * `export { A, B } from "@azure/x";` for every value import, in src/, of an @azure package going to `bundle` (type
 * imports are erased).
 */
function sdkEntry(bundle: string): string {
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
  return [...names].filter(([pkg]) => bundleOf(pkg) === bundle).map(([pkg, set]) => `export { ${[...set].sort().join(", ")} } from "${pkg}";`).join("\n");
}

/**
 * src/'s @azure/* imports become external requires of the SDK bundles next to main.cjs (`./azure-sdk.cjs`): the
 * require bin/code-cache.cjs gives a bundle loads such a `./NAME.cjs` as a bundle, with its code cache.
 */
const sdkBundle: Plugin = {
  name: "azure-sdk-bundle",
  setup(b) {
    b.onResolve({ filter: /^@azure\// }, (args) => ({ path: bundleOf(args.path), external: true }));
  },
};

/**
 * Commands that get a bundle of their own, dist/<command>.cjs, run by bin/aks-net when the command is the first word
 * (`aks-net validate ...`); everything else runs dist/main.cjs. Why: the V8 code cache is read whole on every run, and
 * a bundle without the other commands' code is smaller to read, check and evaluate (the light commands of issue 13).
 */
const OWN_BUNDLE = ["validate", "create"];

/**
 * For dist/<command>.cjs: program.ts's dynamic imports of the other commands become a stub. Never reached: src/main.ts
 * builds the program with that command alone when it is the first word (onlyCommand in program.ts). Its own command is
 * imported statically: every run of the bundle runs it, and a dynamic import wrapped each of its ~130 modules in a lazy
 * initialiser (a closure and a call each, at every start-up).
 */
const onlyCommand = (command: string): Plugin => ({
  name: "only-command",
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[a-z-]+\.ts$/ }, (args) =>
      args.kind === "dynamic-import" && args.importer.endsWith("/src/program.ts") && args.path !== `./commands/${command}.ts` ? { path: args.path, namespace: "other-command" } : undefined,
    );
    b.onLoad({ filter: /\/src\/program\.ts$/ }, (args) => {
      const own = `./commands/${command}.ts`;
      const text = readFileSync(args.path, "utf8");
      const call = `import(${JSON.stringify(own)})`;
      if (!text.includes(call)) throw new Error(`src/program.ts no longer holds ${call}`);
      return { contents: `import * as __ownCommand from ${JSON.stringify(own)};\n${text.replace(call, "Promise.resolve(__ownCommand)")}`, loader: "ts" };
    });
    b.onLoad({ filter: /.*/, namespace: "other-command" }, (args) => ({
      contents: `export function run() { throw new Error(${JSON.stringify(`dist/${command}.cjs runs ${command} only, not ${args.path}`)}); }`,
      loader: "js",
    }));
  },
});

const common = { bundle: true, format: "cjs", platform: "node", target: "node22", minifyWhitespace: true, minifySyntax: true, logLevel: "warning" } as const;
rmSync("dist", { recursive: true, force: true });
/**
 * Every bundle is a function expression: bin/code-cache.cjs compiles the file text as it is (vm.Script, with its code
 * cache) and calls it with CommonJS's arguments; the SDK bundles are required through it too (not by Node's require,
 * whose compile cache keeps only eagerly compiled code). Wrapping the text at run time copied the bundle (hundreds of
 * KB; megabytes for the SDK) into a second string on every start.
 */
const WRAPPER = { banner: { js: "(function (exports, require, module, __filename, __dirname) {" }, footer: { js: "})" } };
for (const command of [undefined, ...OWN_BUNDLE]) {
  await build({
    ...common,
    ...WRAPPER,
    entryPoints: ["src/main.ts"],
    outfile: `dist/${command ?? "main"}.cjs`,
    external: ["@inquirer/*", "log-update"],
    plugins: [startupTrims, sdkBundle, lazyPackages, ...(command ? [onlyCommand(command)] : [])],
  });
}
const sdkEntries: [bundle: string, entry: string][] = [
  ...["./azure-sdk.cjs", "./azure-arm.cjs"].map((bundle): [string, string] => [bundle, sdkEntry(bundle)]),
  ...Object.entries(LAZY_ESM).map(([pkg, bundle]): [string, string] => [bundle, `export * from ${JSON.stringify(esmEntry(pkg))};`]),
];
for (const [bundle, contents] of sdkEntries) {
  await build({
    ...common,
    ...WRAPPER,
    stdin: { contents, resolveDir: process.cwd(), sourcefile: `${bundle.slice(2, -4)}-entry.ts`, loader: "ts" },
    outfile: `dist/${bundle.slice(2)}`,
    // The SDK's local names shortened (not ours: our stack traces stay readable): less text to read and decode on each
    // Azure run (azure-sdk.cjs 269 -> 170 KB, azure-arm.cjs 3.1 -> 1.8 MB), a smaller code cache.
    minifyIdentifiers: true,
    plugins: [esmBuiltins, startupTrims, lazyPackages, lazyBuiltins, lazyEsm],
  });
}
