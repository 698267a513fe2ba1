/**
 * Counts what the platform's own DynamoDB client (functions/shared/aws-clients.ts, which the local runtime's
 * in-process handlers share with the bench) writes: items per table from every successful Put, Update, Delete,
 * BatchWrite (less its unprocessed items) and transaction, and the write units DynamoDB reports for them
 * (`ReturnConsumedCapacity: INDEXES`, asked on every write), index entries included where the emulator says so.
 * A measurement of the run, not a model: failed conditional writes and cancelled transactions write nothing
 * (they are counted apart). Every bench that prints items written uses it.
 */
import { dynamo } from '../../functions/shared/aws-clients.js';

export interface TableWrites {
  items: number;
  /** Write units reported for the table itself and for its indexes, when the store reports them. */
  tableUnits: number;
  indexUnits: Record<string, number>;
}

type Input = Record<string, any>;
type Capacity = {
  TableName?: string;
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
};

/** Items written by one request, per table (transactions: Put, Update, Delete; never ConditionCheck). */
function itemsOf(input: Input, output: Input): Map<string, number> {
  const out = new Map<string, number>();
  const add = (table: string | undefined, n: number) => {
    if (table && n) out.set(table, (out.get(table) ?? 0) + n);
  };
  if (Array.isArray(input.TransactItems)) {
    for (const t of input.TransactItems) {
      const w = t.Put ?? t.Update ?? t.Delete;
      if (w) add(w.TableName, 1);
    }
  } else if (input.RequestItems && Object.values(input.RequestItems).every(Array.isArray)) {
    for (const [table, requests] of Object.entries(input.RequestItems as Record<string, unknown[]>)) {
      add(table, requests.length - ((output.UnprocessedItems?.[table] as unknown[] | undefined)?.length ?? 0));
    }
  } else {
    add(input.TableName, 1); // PutItem, UpdateItem, DeleteItem
  }
  return out;
}

/** Item writes, by the low-level or the document client's command name (PutItemCommand, PutCommand…). */
const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'Put',
  'Update',
  'Delete',
  'BatchWrite',
  'TransactWrite',
]);
const isWrite = (command: string) => WRITES.has(command);

export class WriteCounter {
  readonly tables = new Map<string, TableWrites>();
  /** TransactWriteItems requests that succeeded, whatever their tables, and those cancelled (nothing written). */
  transactions = 0;
  cancelledTransactions = 0;
  /** Items held by the successful transactions: what the emulator's transaction rate bounds (support.ts). */
  transactionItems = 0;
  /** The items cancelled transactions named, by reason code and key prefix (`TransactionConflict on TOTALS`…). */
  readonly cancellationReasons: Record<string, number> = {};
  /** Successful transactions by how many items they held (1–2, 3–10, 11–50, 51–100). */
  readonly transactionSizes: Record<string, number> = { '1–2': 0, '3–10': 0, '11–50': 0, '51–100': 0 };
  /** Single-item writes refused by their condition (nothing written). */
  refusedWrites = 0;
  private on = false;

  /** Starts counting every write the platform's client makes from now on (install once, after the platform). */
  install(): this {
    dynamo().middlewareStack.add(
      (next, context) => async (args) => {
        const command = String(context.commandName ?? '');
        const input = args.input as Input;
        const kind = command.replace(/Command$/, '');
        const counting = this.on && isWrite(kind);
        if (counting) input.ReturnConsumedCapacity = 'INDEXES';
        try {
          const result = await next(args);
          if (counting) this.record(input, (result.output ?? {}) as Input);
          return result;
        } catch (err) {
          if (counting && Array.isArray(input.TransactItems)) {
            this.cancelledTransactions++;
            const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
            reasons.forEach((r, i) => {
              if (!r.Code || r.Code === 'None') return;
              const t = input.TransactItems[i];
              const w = t?.Put ?? t?.Update ?? t?.Delete ?? t?.ConditionCheck;
              // The kind of item, never its id: `TOTALS`, `EVENT`… or a payment's own item by its sort key.
              const key = String(w?.Item?.paymentId ?? w?.Key?.paymentId ?? w?.Item?.pk ?? w?.Key?.pk ?? '?');
              const sk = String(w?.Item?.sk ?? w?.Key?.sk ?? '');
              const what = `${r.Code} on ${key.includes('#') ? key.split('#')[0] : sk.split('#')[0] || '?'}`;
              this.cancellationReasons[what] = (this.cancellationReasons[what] ?? 0) + 1;
            });
          } else if (counting && !input.RequestItems) this.refusedWrites++;
          throw err;
        }
      },
      { step: 'initialize', name: 'benchWriteCounter', priority: 'low' },
    );
    return this;
  }

  start(): void {
    this.on = true;
  }

  stop(): void {
    this.on = false;
  }

  private table(name: string): TableWrites {
    let t = this.tables.get(name);
    if (!t) {
      t = { items: 0, tableUnits: 0, indexUnits: {} };
      this.tables.set(name, t);
    }
    return t;
  }

  private record(input: Input, output: Input): void {
    if (Array.isArray(input.TransactItems)) {
      this.transactions++;
      const n = input.TransactItems.length;
      this.transactionItems += n;
      const size = n <= 2 ? '1–2' : n <= 10 ? '3–10' : n <= 50 ? '11–50' : '51–100';
      this.transactionSizes[size] = (this.transactionSizes[size] ?? 0) + 1;
    }
    for (const [name, n] of itemsOf(input, output)) this.table(name).items += n;
    const consumed = output.ConsumedCapacity as Capacity | Capacity[] | undefined;
    for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
      if (!c.TableName) continue;
      const t = this.table(c.TableName);
      t.tableUnits += c.Table?.CapacityUnits ?? c.CapacityUnits ?? 0;
      for (const [index, u] of Object.entries(c.GlobalSecondaryIndexes ?? {})) {
        t.indexUnits[index] = (t.indexUnits[index] ?? 0) + (u.CapacityUnits ?? 0);
      }
    }
  }

  /** Items written, every table. */
  get items(): number {
    return [...this.tables.values()].reduce((n, t) => n + t.items, 0);
  }

  /** Items written per table name. */
  itemsByTable(): Record<string, number> {
    return Object.fromEntries([...this.tables].map(([name, t]) => [name, t.items]));
  }

  /** The writes to the table whose name ends with `suffix` (the local runtime prefixes table names). */
  of(suffix: string): TableWrites {
    for (const [name, t] of this.tables) if (name.endsWith(suffix)) return t;
    return { items: 0, tableUnits: 0, indexUnits: {} };
  }
}
