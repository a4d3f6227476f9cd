import nock from "nock";
import { ProbotOctokit } from "probot";
import { createScopedOctokit, createScopedToken } from "../../src/github/scoped-installation.js";
import type { Octokit } from "../../src/github/types.js";
import { generatePrivateKey } from "../helpers/bot-process.js";
import { API } from "../helpers/test-app.js";

const TestOctokit = ProbotOctokit.defaults((o: object) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } }));
const privateKey = generatePrivateKey();
const appClient = (baseUrl = API) => new TestOctokit({ auth: { appId: 1, privateKey }, baseUrl }) as unknown as Octokit;
const scope = { installationId: 7, repo: { owner: "o", repo: "r" } };
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

function nockToken(token: string, expiresInMinutes: number, baseUrl = API, path = "/app/installations/7/access_tokens") {
  return nock(baseUrl, { reqheaders: { authorization: /^bearer [\w-]+\.[\w-]+\.[\w-]+$/ } })
    .post(path, { repositories: ["r"], permissions: { contents: "read" } })
    .reply(201, { token, expires_at: inMinutes(expiresInMinutes), permissions: { contents: "read", metadata: "read" }, repository_selection: "selected" });
}

describe("tokens for one repository with only the permissions asked for", () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
  });

  test("createScopedToken asks with the app's JWT for the repository and the permissions", async () => {
    nockToken("ghs_scoped", 60);
    expect(await createScopedToken(appClient(), scope, { contents: "read" })).toEqual({ token: "ghs_scoped", expiresAt: expect.any(Number) });
  });

  test("a scoped client sends its token, keeps it while it is valid, and asks for a new one near expiry", async () => {
    const octokit = createScopedOctokit(appClient(), scope, { contents: "read" });
    nockToken("ghs_first", 60);
    nock(API, { reqheaders: { authorization: "token ghs_first" } }).get("/repos/o/r").times(2).reply(200, { id: 1 });
    await octokit.rest.repos.get(scope.repo);
    await octokit.rest.repos.get(scope.repo);

    const renewing = createScopedOctokit(appClient(), scope, { contents: "read" });
    nockToken("ghs_expiring", 2);
    nockToken("ghs_renewed", 60);
    nock(API, { reqheaders: { authorization: "token ghs_expiring" } }).get("/repos/o/r").reply(200, { id: 1 });
    nock(API, { reqheaders: { authorization: "token ghs_renewed" } }).get("/repos/o/r").reply(200, { id: 1 });
    await renewing.rest.repos.get(scope.repo);
    await renewing.rest.repos.get(scope.repo);
  });

  test("on GitHub Enterprise Server, the token and the calls go to the app client's base URL", async () => {
    const ghe = "https://ghe.example.com/api/v3";
    nockToken("ghs_ghe", 60, "https://ghe.example.com", "/api/v3/app/installations/7/access_tokens");
    nock("https://ghe.example.com", { reqheaders: { authorization: "token ghs_ghe" } }).get("/api/v3/repos/o/r").reply(200, { id: 1 });
    await createScopedOctokit(appClient(ghe), scope, { contents: "read" }).rest.repos.get(scope.repo);
  });
});
