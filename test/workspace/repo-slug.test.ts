import { CloneUrlError, parseCloneUrl } from "../../src/workspace/repo-slug.js";
import { mirrorPath } from "../../src/workspace/repo-mirror.js";

describe("parseCloneUrl", () => {
  test.each([
    ["https://github.com/octo/calc.git", { host: "github.com", owner: "octo", repo: "calc" }],
    ["https://GHE.example.com/Octo/My.Repo.git", { host: "ghe.example.com", owner: "octo", repo: "my.repo" }],
    ["http://127.0.0.1:41234/o/calc.git", { host: "127.0.0.1_41234", owner: "o", repo: "calc" }],
    ["https://github.com/octo/calc", { host: "github.com", owner: "octo", repo: "calc" }],
    ["https://github.com/octo/.github.git", { host: "github.com", owner: "octo", repo: ".github" }],
  ])("%s", (url, slug) => {
    expect(parseCloneUrl(url)).toEqual(slug);
  });

  test.each([
    ["file:///srv/git/octo/calc.git", /only http/],
    ["ssh://git@github.com/octo/calc.git", /only http/],
    ["https://x-access-token:ghs_abc@github.com/octo/calc.git", /credentials/],
    ["https://github.com/octo/calc.git?x=1", /query/],
    ["https://github.com/a/b/c.git", /\/owner\/repo/],
    ["https://github.com/octo/..", /\/owner\/repo|unexpected/],
    ["https://github.com/octo/...git", /unexpected/],
    ["https://github.com/octo/.git", /unexpected/],
    ["https://github.com/oc%20to/calc.git", /unexpected/],
    ["https://github.com/octo/ca:lc.git", /unexpected/],
    ["not a url", /not a URL/],
  ])("refuses %s", (url, reason) => {
    expect(() => parseCloneUrl(url)).toThrow(CloneUrlError);
    expect(() => parseCloneUrl(url)).toThrow(reason);
  });

  test("the mirror path stays under the mirrors directory", () => {
    expect(mirrorPath("/data/mirrors", parseCloneUrl("https://github.com/octo/calc.git"))).toBe("/data/mirrors/github.com/octo/calc.git");
  });
});
