/** Jest runs the TypeScript sources as ESM (see the README's "Tests" section). */
export default {
  preset: "ts-jest/presets/default-esm",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // test/cgroup-v2 needs a cgroup v2 host: .ci/run runs it in a VM (.ci/cgroup-v2-vm) with CODEX_TEST_CGROUP_V2=1.
  testPathIgnorePatterns: ["/node_modules/", ...(process.env.CODEX_TEST_CGROUP_V2 ? [] : ["<rootDir>/test/cgroup-v2/"])],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  transform: {
    "^.+\\.ts$": ["ts-jest", { useESM: true, tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }],
  },
  testTimeout: 30000,
};
