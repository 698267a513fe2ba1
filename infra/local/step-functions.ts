/**
 * A local Step Functions endpoint: the real AWS SDK (SFNClient) talks to it over the AWS JSON 1.0
 * protocol, and executions run in `aws-local-stepfunctions` with each Task state mapped to the same
 * in-process handler that Lambda would run. Definition substitutions are applied here, since the library
 * does not. Executions are stored in DynamoDB Local, so names stay unique across restarts like on AWS, and
 * executions interrupted by a crash are run again on start (tasks are idempotent by design).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDef } from '../system-model.js';
import { ensureTable } from './dynamodb-local.js';
import type { LambdaInvoker } from './lambda-invoker.js';

type Json = Record<string, unknown>;
// The library's JSON type is not exported; this is its shape.
type JSONValue = null | boolean | number | string | JSONValue[] | { [key: string]: JSONValue };
type LocalHandler = (input: JSONValue) => Promise<JSONValue>;

interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
}

class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/** Every state of a type, including those inside Map and Parallel, by name (the library keys overrides by name). */
function statesOfType(type: string, states: Json, found = new Map<string, Json>()): Map<string, Json> {
  for (const [name, raw] of Object.entries(states)) {
    const state = raw as Json;
    if (state.Type === type) {
      if (found.has(name))
        throw new Error(`${type} state name ${name} is used twice; local overrides need unique names`);
      found.set(name, state);
    }
    const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
    if (processor) statesOfType(type, processor.States as Json, found);
    for (const branch of (state.Branches as Json[] | undefined) ?? []) statesOfType(type, branch.States as Json, found);
  }
  return found;
}

interface Machine {
  id: string;
  arn: string;
  name: string;
  definition: Json;
  handlers: Record<string, LocalHandler>;
  retryStates: string[];
  waitStates: string[];
  createdAt: number;
}

export interface LocalStepFunctionsOptions {
  root: string;
  region: string;
  prefix: string;
  stateMachines: Record<string, StateMachineDef>;
  invoker: LambdaInvoker;
  ddb: DynamoDBClient;
  /** Tests compress time: Retry pauses are skipped and Wait states last this many milliseconds. */
  compressTime?: { waitMs: number };
  log?: (msg: string, extra?: Json) => void;
}

export class LocalStepFunctions {
  private server?: Server;
  private readonly machines = new Map<string, Machine>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly aborts = new Map<string, () => void>();
  private stopping = false;
  private readonly doc: DynamoDBDocumentClient;
  private readonly table: string;
  endpoint = '';

  constructor(private readonly o: LocalStepFunctionsOptions) {
    this.doc = DynamoDBDocumentClient.from(o.ddb);
    this.table = `${o.prefix}local-sfn-executions`;
    for (const [id, def] of Object.entries(o.stateMachines)) this.machines.set(this.arnOf(id), this.load(id, def));
  }

  arnOf(id: string): string {
    return `arn:aws:states:${this.o.region}:000000000000:stateMachine:${this.o.prefix}${id}`;
  }

  private load(id: string, def: StateMachineDef): Machine {
    let text = readFileSync(resolve(this.o.root, def.definitionFile), 'utf8');
    text = text.replace(/\$\{(\w+)\}/g, (_, key: string) => {
      const fn = def.functions[key];
      if (!fn) throw new Error(`${def.definitionFile}: no substitution for \${${key}}`);
      return this.o.invoker.functionArn(fn);
    });
    const definition = JSON.parse(text) as Json;
    const handlers: Record<string, LocalHandler> = {};
    const retryStates: string[] = [];
    for (const [name, state] of statesOfType('Task', definition.States as Json)) {
      if (state.Retry) retryStates.push(name);
      const resource = String(state.Resource);
      if (resource === LAMBDA_INVOKE) {
        handlers[name] = async (input) => {
          const { FunctionName, Payload } = input as { FunctionName: string; Payload: unknown };
          const result = await this.o.invoker.invoke(this.functionId(FunctionName), Payload);
          return { ExecutedVersion: '$LATEST', Payload: (result ?? null) as JSONValue, StatusCode: 200 };
        };
      } else if (resource.startsWith('arn:aws:lambda:')) {
        handlers[name] = async (input) => (await this.o.invoker.invoke(this.functionId(resource), input)) as JSONValue;
      } else {
        throw new Error(`${def.definitionFile}: state ${name} uses ${resource}, which the local runtime cannot run`);
      }
    }
    return {
      id,
      arn: this.arnOf(id),
      name: `${this.o.prefix}${id}`,
      definition,
      handlers,
      retryStates,
      waitStates: [...statesOfType('Wait', definition.States as Json).keys()],
      createdAt: Date.now() / 1000,
    };
  }

  private functionId(arn: string): string {
    const id = this.o.invoker.functionIdForArn(arn);
    if (!id) throw new Error(`No local function for ${arn}`);
    return id;
  }

  async start(port: number): Promise<void> {
    await ensureTable(this.o.ddb, this.table, {
      description: 'local runtime: Step Functions executions',
      partitionKey: { name: 'executionArn', type: 'S' },
    });
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((ok) => this.server?.listen(port, '127.0.0.1', ok));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Runs again every execution a previous process left RUNNING. */
  async resumeInterrupted(): Promise<number> {
    const out = await this.doc.send(
      new ScanCommand({
        TableName: this.table,
        FilterExpression: '#s = :running',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':running': 'RUNNING' },
        ConsistentRead: true,
      }),
    );
    const interrupted = (out.Items ?? []) as ExecutionRecord[];
    for (const record of interrupted) {
      const machine = this.machines.get(record.stateMachineArn);
      if (!machine || this.running.has(record.executionArn)) continue;
      this.o.log?.('Resuming interrupted execution from its start', { executionArn: record.executionArn });
      this.run(machine, record);
    }
    return interrupted.length;
  }

  /**
   * Running executions are abandoned, not finished: they stay RUNNING in the store and the next start resumes
   * them, as if this process had died (an execution outliving its runtime would touch stopped emulators).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const abort of this.aborts.values()) abort();
    await Promise.allSettled([...this.running.values()]);
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
    this.server?.closeAllConnections();
  }

  /** Waits for every execution started so far (tests). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  private run(machine: Machine, record: ExecutionRecord): void {
    const sm = new StateMachine(machine.definition as never, { validationOptions: { checkArn: false } });
    const fast = this.o.compressTime;
    const retryIntervalOverrides = fast ? Object.fromEntries(machine.retryStates.map((s) => [s, 0])) : undefined;
    const waitTimeOverrides = fast ? Object.fromEntries(machine.waitStates.map((s) => [s, fast.waitMs])) : undefined;
    const input = JSON.parse(record.input);
    const execution = sm.run(input, {
      overrides: { taskResourceLocalHandlers: machine.handlers, retryIntervalOverrides, waitTimeOverrides },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: record.executionArn,
          Name: record.name,
          Input: input,
          StartTime: new Date(record.startDate * 1000).toISOString(),
          RoleArn: 'arn:aws:iam::000000000000:role/local',
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
      },
    });
    this.aborts.set(record.executionArn, execution.abort);
    const done = execution.result.then(
      (output) =>
        this.stopping
          ? undefined
          : this.finish(record.executionArn, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null) }),
      (err: Error) => {
        if (this.stopping) return;
        const cause = (err.cause as Error | undefined) ?? err;
        return this.finish(record.executionArn, { status: 'FAILED', error: cause.name, cause: cause.message });
      },
    );
    const tracked = done
      .catch((err) => this.o.log?.('Could not record execution result', { error: String(err) }))
      .finally(() => {
        this.running.delete(record.executionArn);
        this.aborts.delete(record.executionArn);
      });
    this.running.set(record.executionArn, tracked);
  }

  private async finish(arn: string, patch: Partial<ExecutionRecord>): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':stop': Date.now() / 1000 };
    const sets = ['stopDate = :stop'];
    for (const [k, v] of Object.entries(patch)) {
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      sets.push(`#${k} = :${k}`);
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { executionArn: arn },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    this.o.log?.(`Execution ${patch.status}`, { executionArn: arn, error: patch.error });
  }

  private async startExecution(req: Json): Promise<Json> {
    const machine = this.machines.get(String(req.stateMachineArn));
    if (!machine)
      throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${req.stateMachineArn}'`);
    const name = String(req.name ?? crypto.randomUUID());
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const input = typeof req.input === 'string' ? req.input : '{}';
    try {
      JSON.parse(input);
    } catch {
      throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input');
    }
    const record: ExecutionRecord = {
      executionArn: `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`,
      stateMachineArn: machine.arn,
      name,
      input,
      status: 'RUNNING',
      startDate: Date.now() / 1000,
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: record,
          ConditionExpression: 'attribute_not_exists(executionArn)',
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const existing = await this.describe(record.executionArn);
      // AWS: the same name and input while running is the same execution; anything else is a conflict.
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn: existing.executionArn, startDate: existing.startDate };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${record.executionArn}'`);
    }
    this.run(machine, record);
    return { executionArn: record.executionArn, startDate: record.startDate };
  }

  private async describe(executionArn: string): Promise<ExecutionRecord> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { executionArn }, ConsistentRead: true }),
    );
    if (!out.Item) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return out.Item as ExecutionRecord;
  }

  private async dispatch(action: string, req: Json): Promise<Json> {
    switch (action) {
      case 'StartExecution':
        return this.startExecution(req);
      case 'DescribeExecution': {
        const { ...record } = await this.describe(String(req.executionArn));
        return record as unknown as Json;
      }
      case 'DescribeStateMachine': {
        const machine = this.machines.get(String(req.stateMachineArn));
        if (!machine)
          throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${req.stateMachineArn}'`);
        return {
          stateMachineArn: machine.arn,
          name: machine.name,
          status: 'ACTIVE',
          definition: JSON.stringify(machine.definition),
          roleArn: 'arn:aws:iam::000000000000:role/local',
          type: 'STANDARD',
          creationDate: machine.createdAt,
        };
      }
      default:
        throw new SfnError('UnknownOperationException', `${action} is not emulated locally`);
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.replace(/^AWSStepFunctions\./, '');
    let status = 200;
    let body: Json;
    try {
      body = await this.dispatch(action, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
    } catch (err) {
      status = err instanceof SfnError ? 400 : 500;
      body = { __type: err instanceof SfnError ? err.type : 'InternalFailure', message: (err as Error).message };
    }
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': crypto.randomUUID() });
    res.end(JSON.stringify(body));
  }
}
