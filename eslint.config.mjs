// The extension's lint gate (scripts/test-extension.sh: `npm run lint`): ESLint's recommended rules and
// typescript-eslint's type-checked ones over extension/src, with the types from extension/tsconfig.json.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "dist/**", "build/**", "extension/out/**", "extension/out-test/**", "bundled/**", "tests/**", "scripts/**", "extension/esbuild.mjs", "eslint.config.mjs", "extension/test/**"] },
  {
    files: ["extension/src/**/*.ts"],
    extends: [eslint.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: "./extension/tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
  },
);
