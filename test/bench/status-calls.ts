/**
 * Counts every request the platform's own DynamoDB client (functions/shared/aws-clients.ts, shared by the local
 * runtime's in-process handlers and the bench) sends while on, by command and table: the status bench divides
 * them by the HTTP requests it made, so its figure is counted, not assumed.
 */
import { dynamo } from '../../functions/shared/aws-clients.js';

export class CallCounter {
  /** `<Command> <table suffix>` → calls. */
  readonly calls = new Map<string, number>();
  private on = false;

  constructor(private readonly prefix: string) {}

  install(): this {
    dynamo().middlewareStack.add(
      (next, context) => async (args) => {
        if (this.on) {
          const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
          const tables = input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
          const what = `${String(context.commandName ?? '').replace(/Command$/, '')} ${tables
            .map((t) => t.replace(this.prefix, ''))
            .join('+')}`;
          this.calls.set(what, (this.calls.get(what) ?? 0) + 1);
        }
        return next(args);
      },
      { step: 'initialize', name: 'benchCallCounter', priority: 'low' },
    );
    return this;
  }

  start(): void {
    this.on = true;
  }

  stop(): void {
    this.on = false;
  }

  total(): number {
    return [...this.calls.values()].reduce((a, b) => a + b, 0);
  }
}
