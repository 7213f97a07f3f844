// Tests of the agent-framework wiring: the MCP server's run_code tool over
// an in-memory MCP connection, and the OpenAI Agents SDK function tool
// invoked directly (no model, no network).  A scripted transport stands in
// for the sandbox provider.
// Run:  node --import tsx --test wiring.test.ts

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { RunContext } from "@openai/agents";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";

import { buildServer } from "./mcpServer.js";
import { runCodeTool } from "./openaiAgentTool.js";
import {
  RetryPolicy, SandboxClient, SandboxClientError, SandboxServerError,
  type ExecOutput, type ToolCall, type Transport,
} from "./sandboxClient.js";

class Scripted implements Transport {
  readonly name = "scripted";
  created = 0;
  deleted = 0;
  constructor(private readonly fail: Error[] = []) {}
  async create(): Promise<string> {
    return `s${++this.created}`;
  }
  async exec(_id: string, call: ToolCall): Promise<ExecOutput> {
    const f = this.fail.shift();
    if (f) throw f;
    return { stdout: `ran ${call.language}: ${call.code}`, stderr: "", exitCode: 0 };
  }
  async delete(): Promise<void> {
    this.deleted++;
  }
}

const quiet = { log: () => {}, sleep: async () => {}, retry: new RetryPolicy({ maxAttempts: 2 }) };

async function connect(t: Scripted): Promise<Client> {
  const [a, b] = InMemoryTransport.createLinkedPair();
  await buildServer(new SandboxClient(t, quiet)).connect(a);
  const c = new Client({ name: "test", version: "1.0.0" });
  await c.connect(b);
  return c;
}

function text(r: Awaited<ReturnType<Client["callTool"]>>): string {
  const c = (r.content as Array<{ type: string; text?: string }>)[0];
  assert.equal(c?.type, "text");
  return c?.text ?? "";
}

describe("MCP tool server", () => {
  it("lists run_code and runs code through the client", async () => {
    const t = new Scripted([new SandboxServerError("flaky", { status: 503 })]);
    const c = await connect(t);
    const tools = await c.listTools();
    assert.deepEqual(tools.tools.map((x) => x.name), ["run_code"]);
    const r = await c.callTool({ name: "run_code", arguments: { code: "print(2)" } });
    assert.equal(r.isError, false);
    assert.deepEqual(JSON.parse(text(r)), { stdout: "ran python: print(2)", stderr: "", exit_code: 0 });
    assert.equal(t.created, 2);                 // one retry after the 503
    assert.equal(t.deleted, 2);
    await c.close();
  });

  it("returns a structured tool error", async () => {
    const c = await connect(new Scripted([new SandboxClientError("bad", { status: 400 })]));
    const r = await c.callTool({ name: "run_code", arguments: { code: "x", language: "bash" } });
    assert.equal(r.isError, true);
    const e = JSON.parse(text(r)) as { error: string; retryable: boolean; attempts: number };
    assert.equal(e.error, "client_error");
    assert.equal(e.retryable, false);
    assert.equal(e.attempts, 1);
    await c.close();
  });

  it("rejects input outside the schema", async () => {
    const c = await connect(new Scripted());
    const r = await c.callTool({ name: "run_code", arguments: { code: "" } });
    assert.equal(r.isError, true);
    await c.close();
  });
});

describe("OpenAI Agents SDK function tool", () => {
  it("invokes the client and returns JSON", async () => {
    const t = new Scripted();
    const tool = runCodeTool(new SandboxClient(t, quiet));
    assert.equal(tool.name, "run_code");
    const out = await tool.invoke(new RunContext(), JSON.stringify({ code: "1+1", language: "javascript" }));
    assert.deepEqual(JSON.parse(String(out)), { stdout: "ran javascript: 1+1", stderr: "", exit_code: 0 });
    assert.equal(t.deleted, 1);
  });

  it("returns the structured error to the model", async () => {
    const t = new Scripted([new SandboxServerError("down", { status: 500 }),
      new SandboxServerError("down", { status: 500 })]);
    const out = await runCodeTool(new SandboxClient(t, quiet))
      .invoke(new RunContext(), JSON.stringify({ code: "x", language: "python" }));
    const e = JSON.parse(String(out)) as { error: string; attempts: number; retryable: boolean };
    assert.deepEqual([e.error, e.attempts, e.retryable], ["server_error", 2, true]);
    assert.equal(t.deleted, 2);
  });
});
