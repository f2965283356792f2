// Type-aware linting plus the layer rules: core, validators and templates stay pure; only main.ts exits.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".ci/**", "bin/**", "schema/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "always"],
    },
  },
  {
    files: ["src/core/**", "src/validators/**", "src/templates/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        { group: ["@azure/*", "chalk", "@inquirer/*", "commander", "node:fs*", "node:child_process", "node:process"], message: "core is pure" },
        { group: ["**/providers/**", "**/commands/**", "**/io/**"], message: "dependency direction: commands -> core <- providers" },
      ] }],
    },
  },
  {
    files: ["src/**"],
    ignores: ["src/main.ts"],
    rules: { "no-restricted-properties": ["error", { object: "process", property: "exit", message: "throw an AksNetError; main.ts maps it to an exit code" }] },
  },
  { files: ["eslint.config.js", "**/*.cjs"], ...tseslint.configs.disableTypeChecked },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", process: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
