import { DatabaseSync } from "node:sqlite";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";

test("toolchain", async () => {
  const db = new DatabaseSync(":memory:");
  expect(db.prepare("select 1 as x").get()).toEqual({ x: 1 });
  nock("https://api.github.com").get("/repos/o/r").reply(200, { id: 1 });
  const o = new ProbotOctokit({ auth: { token: "t" } } as never);
  const r = await o.request("GET /repos/o/r");
  expect(r.data).toEqual({ id: 1 });
  expect(Probot).toBeDefined();
});
