/**
 * A DynamoDB document client that notes every write it sends: the item as it was before and
 * as it is after (read back with consistent GetItems), so bench/writeUnits.ts can price the
 * write under any table layout. Writes to one item are sent one at a time through it, so
 * each before/after pair belongs to one write. For PutItem, UpdateItem and DeleteItem it also
 * asks for ReturnConsumedCapacity and keeps what dynalite reports for the table, to check the
 * item sizes computed here against the server's own.
 */
import { GetItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchWriteCommand,
  DeleteCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { itemBytes, type Image } from "./writeUnits.js";

export interface MeteredWrite {
  table: string;
  /** What the write was, as `label` named it. */
  op: string;
  before: Image | undefined;
  after: Image | undefined;
  /** Its condition failed: nothing was written (DynamoDB still bills the table). */
  failed: boolean;
  /** Table write units dynalite reported for this write (single-item writes only). */
  reported: number | undefined;
}

type WriteCommand = PutCommand | UpdateCommand | DeleteCommand;

export interface WriteMeter {
  client: DynamoDBDocumentClient;
  writes: MeteredWrite[];
}

/**
 * `keys`: each metered table's key attribute names (string keys only); writes to other
 * tables pass through unnoted. `label` names a write from its command.
 */
export function meterWrites(
  doc: DynamoDBDocumentClient,
  raw: DynamoDBClient,
  keys: Record<string, readonly string[]>,
  label: (table: string, command: WriteCommand | "batch-put" | "batch-delete", input: Record<string, any>) => string,
): WriteMeter {
  const writes: MeteredWrite[] = [];
  const queues = new Map<string, Promise<unknown>>();

  const read = async (table: string, key: Record<string, string>): Promise<Image | undefined> => {
    const Key = Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: value }]));
    return (await raw.send(new GetItemCommand({ TableName: table, Key, ConsistentRead: true }))).Item;
  };
  const keyOf = (table: string, source: Record<string, unknown>): Record<string, string> =>
    Object.fromEntries((keys[table] ?? []).map((name) => [name, String(source[name])]));
  /** Runs `write` after every earlier write to the same item. */
  const inTurn = <T>(table: string, key: Record<string, string>, write: () => Promise<T>): Promise<T> => {
    const id = `${table}\u0000${JSON.stringify(key)}`;
    const run = (queues.get(id) ?? Promise.resolve()).then(write, write);
    queues.set(
      id,
      run.catch(() => undefined),
    );
    return run;
  };

  const single = async (command: WriteCommand): Promise<unknown> => {
    const input = command.input as Record<string, any>;
    const table = String(input.TableName);
    const key = keyOf(table, command instanceof PutCommand ? input.Item : input.Key);
    const op = label(table, command, input);
    return inTurn(table, key, async () => {
      const before = await read(table, key);
      input.ReturnConsumedCapacity = "TOTAL";
      try {
        const result = (await doc.send(command as never)) as { ConsumedCapacity?: { CapacityUnits?: number } };
        writes.push({
          table,
          op,
          before,
          after: await read(table, key),
          failed: false,
          reported: result.ConsumedCapacity?.CapacityUnits,
        });
        return result;
      } catch (error) {
        if ((error as Error).name === "ConditionalCheckFailedException")
          writes.push({ table, op, before, after: before, failed: true, reported: undefined });
        throw error;
      }
    });
  };

  const batch = async (command: BatchWriteCommand): Promise<unknown> => {
    const requests = Object.entries(command.input.RequestItems ?? {}).flatMap(([table, list]) =>
      (list ?? []).map((request) => ({
        table,
        key: keyOf(table, (request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {}) as Record<string, unknown>),
        op: label(table, request.PutRequest ? "batch-put" : "batch-delete", request as Record<string, any>),
      })),
    );
    const metered = requests.filter((request) => keys[request.table] !== undefined);
    const befores = await Promise.all(metered.map((request) => read(request.table, request.key)));
    const result = await doc.send(command);
    const unprocessed = new Set(
      Object.entries(result.UnprocessedItems ?? {}).flatMap(([table, list]) =>
        (list ?? []).map(
          (request) =>
            `${table}\u0000${JSON.stringify(keyOf(table, (request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {}) as Record<string, unknown>))}`,
        ),
      ),
    );
    const afters = await Promise.all(metered.map((request) => read(request.table, request.key)));
    metered.forEach((request, i) => {
      if (unprocessed.has(`${request.table}\u0000${JSON.stringify(request.key)}`)) return;
      writes.push({
        table: request.table,
        op: request.op,
        before: befores[i],
        after: afters[i],
        failed: false,
        reported: undefined,
      });
    });
    return result;
  };

  const client = new Proxy(doc, {
    get(target, property, receiver) {
      if (property !== "send") return Reflect.get(target, property, receiver);
      return (command: unknown, ...rest: unknown[]) => {
        const table = (command as { input?: { TableName?: string } }).input?.TableName;
        if (
          (command instanceof PutCommand || command instanceof UpdateCommand || command instanceof DeleteCommand) &&
          table !== undefined &&
          keys[table] !== undefined
        ) {
          return single(command);
        }
        if (command instanceof BatchWriteCommand) return batch(command);
        return (target.send as (...args: unknown[]) => unknown)(command, ...rest);
      };
    },
  });
  return { client, writes };
}

/** How many single-item writes dynalite priced, and how many of those agree with the sizes computed here. */
export function checkAgainstServer(writes: readonly MeteredWrite[]): { checked: number; agreeing: number } {
  const units = (image: Image | undefined) => (image === undefined ? 0 : itemBytes(image));
  const priced = writes.filter((write) => write.reported !== undefined);
  const agreeing = priced.filter(
    (write) => Math.max(1, Math.ceil(Math.max(units(write.before), units(write.after)) / 1024)) === write.reported,
  );
  return { checked: priced.length, agreeing: agreeing.length };
}
