/** A repository whose setup "installs" one dependency without a network: the dependency-cache tests' project. */
export const FAKE_INSTALL = "mkdir -p node_modules/dep && echo 'module.exports = 42;' > node_modules/dep/index.js";

export const FAKE_INSTALL_FILES: Record<string, string> = {
  "package.json": '{ "name": "app", "private": true }\n',
  "package-lock.json": '{ "name": "app", "lockfileVersion": 3 }\n',
  ".gitignore": "node_modules/\n",
  ".github/codex.yml": `setup: "${FAKE_INSTALL}"\n`,
};
