import { z } from "zod";
import { runAgent } from "../../src/agent/agent-loop.js";
import { createModelClient } from "../../src/agent/model-client.js";
import type { Tool } from "../../src/agent/tools/tool.js";
import { startScriptedModel, type ScriptedModel } from "../fakes/fake-openai.js";
import { closeServer } from "../fakes/http.js";

const budgets = { maxTurns: 10, wallTimeMs: 60_000, maxTokens: 1_000_000 };

function echoTool(calls: string[]): Tool {
  return {
    name: "echo",
    description: "Echoes its text.",
    parameters: z.object({ text: z.string() }),
    async execute(args: { text: string }) {
      calls.push(args.text);
      return `echo: ${args.text}`;
    },
  };
}

describe.each(["responses", "chat"] as const)("agent loop over the %s API", (api) => {
  let model: ScriptedModel;
  afterEach(() => model.close());

  const client = () => createModelClient({ api, model: "test-model", baseURL: model.url, apiKey: "k" });

  test("runs tools until the model answers, feeding results back", async () => {
    model = await startScriptedModel([
      { toolCalls: [{ name: "echo", arguments: { text: "one" } }], usage: { input: 100, output: 10 } },
      { text: "All done.", usage: { input: 200, output: 20 } },
    ]);
    const calls: string[] = [];
    const outcome = await runAgent({ instructions: "be good", task: "do it", tools: [echoTool(calls)], model: client(), budgets });
    expect(outcome).toMatchObject({ stopReason: "done", finalText: "All done.", turns: 2, usage: { inputTokens: 300, outputTokens: 30 } });
    expect(calls).toEqual(["one"]);
    expect(JSON.stringify(model.requests[1]!.body)).toContain("echo: one");
    expect(model.errors).toEqual([]);
  });

  test("bad tool calls become text the model can act on", async () => {
    model = await startScriptedModel([
      { toolCalls: [{ name: "nope", arguments: {} }] },
      { toolCalls: [{ name: "echo", arguments: { text: 5 } }] },
      { text: "ok" },
    ]);
    const outcome = await runAgent({ instructions: "", task: "t", tools: [echoTool([])], model: client(), budgets });
    expect(outcome.stopReason).toBe("done");
    const second = JSON.stringify(model.requests[1]!.body);
    const third = JSON.stringify(model.requests[2]!.body);
    expect(second).toContain('there is no tool named \\"nope\\"');
    expect(third).toMatch(/invalid arguments for echo: text/);
  });

  test("the orchestrator stops at max turns and at the token budget, whatever the model wants", async () => {
    model = await startScriptedModel(Array.from({ length: 3 }, () => ({ toolCalls: [{ name: "echo", arguments: { text: "again" } }], usage: { input: 400, output: 100 } })));
    const byTurns = await runAgent({ instructions: "", task: "t", tools: [echoTool([])], model: client(), budgets: { ...budgets, maxTurns: 2 } });
    expect(byTurns).toMatchObject({ stopReason: "max_turns", turns: 2 });
    const byTokens = await runAgent({ instructions: "", task: "t", tools: [echoTool([])], model: client(), budgets: { ...budgets, maxTokens: 500 } });
    expect(byTokens).toMatchObject({ stopReason: "tokens", turns: 1 });
    expect(model.remaining).toBe(0);
  });

  test("a model error ends the run with a readable reason", async () => {
    model = await startScriptedModel([]);
    model.failNext(401, { error: { message: "Incorrect API key provided", type: "invalid_request_error" } });
    const outcome = await runAgent({ instructions: "", task: "t", tools: [], model: client(), budgets });
    expect(outcome.stopReason).toBe("model_error");
    expect(outcome.error).toMatch(/401.*Incorrect API key/);
  });
});

test.each(["responses", "chat"] as const)("structured output is requested, and dropped for an endpoint that rejects it (%s)", async (api) => {
  const model = await startScriptedModel([{ text: '{"ok":true}' }, { text: '{"ok":true}' }]);
  model.failNext(400, { error: { message: "response_format is not supported", type: "invalid_request_error" } });
  const client = createModelClient({ api, model: "m", baseURL: model.url, apiKey: "k" });
  const format = { name: "answer", schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false } };
  const first = await runAgent({ instructions: "", task: "t", tools: [], model: client, budgets, responseFormat: format });
  const second = await runAgent({ instructions: "", task: "t", tools: [], model: client, budgets, responseFormat: format });
  expect([first.finalText, second.finalText]).toEqual(['{"ok":true}', '{"ok":true}']);
  const sent = model.requests.map((r) => JSON.stringify(r.body));
  // The rejected request carried the schema; the retry and every later call leave it out.
  expect(sent).toHaveLength(3);
  expect(sent[0]).toMatch(/json_schema/);
  expect(sent.slice(1).filter((b) => b.includes("json_schema"))).toEqual([]);
  await model.close();
});

test("the wall-time budget aborts a model call that hangs", async () => {
  const { createServer } = await import("node:http");
  const server = createServer(() => undefined).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const port = (server.address() as { port: number }).port;
  const client = createModelClient({ api: "responses", model: "m", baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "k" });
  const outcome = await runAgent({ instructions: "", task: "t", tools: [], model: client, budgets: { ...budgets, wallTimeMs: 500 } });
  expect(outcome.stopReason).toBe("timeout");
  await closeServer(server);
});
