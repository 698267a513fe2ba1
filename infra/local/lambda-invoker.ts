/**
 * Invokes the real handlers in-process, the way the Lambda runtime would: same event shapes, a Context
 * with the remaining time, the function's timeout enforced, errors named like Lambda names them. It also
 * injects faults on request, so tests can make an invocation fail the way AWS can make it fail.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import type { FunctionDef } from '../system-model.js';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** A fault to raise instead of (or before) running the handler, like an AWS-side failure. */
export interface Fault {
  /** Error name as Step Functions and callers see it, e.g. `Lambda.TooManyRequestsException`. */
  name: string;
  message?: string;
  /** How many invocations fail; afterwards the handler runs normally. Infinity: always. */
  times: number;
}

/** What an observer learns of each invocation (tests assert on retries and batches with it). */
export interface InvocationRecord {
  functionId: string;
  event: unknown;
  outcome: 'ok' | 'error';
  result?: unknown;
  error?: string;
  /** Wall-clock milliseconds the invocation took (benchmarks add them up per function). */
  ms: number;
}

export class FunctionTimeoutError extends Error {
  override name = 'Sandbox.Timedout';
}

type InvocationContext = Record<string | symbol, unknown>;

/**
 * The runtime's side of InvokeStore for concurrent invocations: one AsyncLocalStorage context each. Outside
 * any invocation (a handler module initialising: Powertools' batch processor writes its defaults when it is
 * constructed) values go to one shared context, as with a single-invocation runtime.
 */
class ConcurrentInvokeStore extends InvokeStoreBase {
  private readonly als = new AsyncLocalStorage<InvocationContext>();
  private readonly outside: InvocationContext = {};
  getContext(): InvocationContext | undefined {
    return this.als.getStore();
  }
  hasContext(): boolean {
    return this.als.getStore() !== undefined;
  }
  get<T = unknown>(key: string | symbol): T | undefined {
    return (this.als.getStore() ?? this.outside)[key] as T | undefined;
  }
  set<T = unknown>(key: string | symbol, value: T): void {
    if (this.isProtectedKey(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    (this.als.getStore() ?? this.outside)[key] = value;
  }
  run<T>(context: InvocationContext, fn: () => T): T {
    return this.als.run(context, fn);
  }
}

let invocations: ConcurrentInvokeStore | undefined;

/**
 * Every local function runs in this one process, often several at once, and shares one Powertools Logger
 * (functions/shared/powertools.ts). Lambda Managed Instances run concurrent invocations in one process too:
 * their runtime installs `awslambda.InvokeStore` with a context per invocation (AsyncLocalStorage) and sets
 * AWS_LAMBDA_MAX_CONCURRENCY, and Powertools then keeps the Logger's Lambda context (function name, request
 * id), its temporary keys and the batch processor's state per invocation. The invoker plays that runtime, so
 * a log line carries the function that wrote it, not the last one to start. It replaces any store installed
 * before (the AWS SDK installs a single-invocation one on its first request, from its recursion detection).
 */
function invokeStore(): ConcurrentInvokeStore {
  if (!invocations) {
    invocations = new ConcurrentInvokeStore();
    const g = globalThis as { awslambda?: { InvokeStore?: InvokeStoreBase } };
    g.awslambda ??= {};
    g.awslambda.InvokeStore = invocations;
    // Only once the store exists: Powertools refuses to run with the variable set and no store.
    process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';
  }
  return invocations;
}

export class LambdaInvoker {
  private readonly handlers = new Map<string, Promise<Handler>>();
  private readonly faults = new Map<string, Fault>();
  private readonly observers = new Set<(r: InvocationRecord) => void>();

  constructor(
    private readonly root: string,
    private readonly functions: Record<string, FunctionDef>,
    private readonly region: string,
  ) {}

  functionArn(id: string): string {
    return `arn:aws:lambda:${this.region}:000000000000:function:ansinh-${id}`;
  }

  functionIdForArn(arn: string): string | undefined {
    return Object.keys(this.functions).find((id) => this.functionArn(id) === arn);
  }

  injectFault(functionId: string, fault: Fault): void {
    this.faults.set(functionId, { ...fault });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  observe(observer: (r: InvocationRecord) => void): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  private notify(record: InvocationRecord) {
    for (const o of this.observers) o(record);
  }

  private load(id: string): Promise<Handler> {
    let loaded = this.handlers.get(id);
    if (!loaded) {
      const def = this.functions[id];
      if (!def) throw new Error(`Unknown function ${id}`);
      loaded = import(pathToFileURL(resolve(this.root, def.entry)).href).then((m) => {
        if (typeof m.handler !== 'function') throw new Error(`${def.entry} exports no handler`);
        return m.handler as Handler;
      });
      this.handlers.set(id, loaded);
    }
    return loaded;
  }

  async invoke(id: string, event: unknown): Promise<unknown> {
    const started = performance.now();
    try {
      const result = await this.run(id, event);
      this.notify({ functionId: id, event, outcome: 'ok', result, ms: performance.now() - started });
      return result;
    } catch (err) {
      this.notify({
        functionId: id,
        event,
        outcome: 'error',
        error: (err as Error).name,
        ms: performance.now() - started,
      });
      throw err;
    }
  }

  private async run(id: string, event: unknown): Promise<unknown> {
    const def = this.functions[id];
    if (!def) throw new Error(`Unknown function ${id}`);
    const fault = this.faults.get(id);
    if (fault && fault.times > 0) {
      fault.times--;
      const err = new Error(fault.message ?? `Injected fault ${fault.name}`);
      err.name = fault.name;
      throw err;
    }
    const handler = await this.load(id);
    const store = invokeStore();
    const timeoutMs = (def.timeoutSeconds ?? 30) * 1000;
    const deadline = Date.now() + timeoutMs;
    const requestId = randomUUID();
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: `ansinh-${id}`,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.functionArn(id),
      memoryLimitInMB: String(def.memoryMb ?? 512),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/ansinh-${id}`,
      logStreamName: `local/${requestId}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(`Task timed out after ${def.timeoutSeconds ?? 30} seconds`)),
        timeoutMs,
      );
    });
    try {
      // Deep copy: a handler must never share objects with its caller, as across a real invoke.
      const invocation = { [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: requestId };
      return await Promise.race([store.run(invocation, () => handler(structuredClone(event), context)), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
