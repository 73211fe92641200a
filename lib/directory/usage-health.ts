/** The LOB health items of the Usage table (`pk = health`, `sk = <lob>`; lib/usage/schema.ts): the last connection test per LOB. */
import { BatchGetCommand, UpdateCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { UsageTable } from './usage';
import { send } from './send';

/** The last health check of a LOB (its connection test), as the console shows it. */
export interface LobHealth {
  lob: string;
  checkedAt: string;
  ok: boolean;
  /** When the current run of failures began; undefined while healthy. */
  failingSince?: string;
  /** The first failed step's detail, or "ok". */
  summary: string;
}

const key = (lob: string) => ({ pk: 'health', sk: lob });

/**
 * Stores a check's result in one UpdateItem: `failingSince` keeps the first failure of a run
 * (`if_not_exists`) and is removed by the first success, so concurrent checks never move it.
 */
export async function saveLobHealth(
  deps: UsageTable,
  result: { lob: string; ok: boolean; summary: string; checkedAt: string },
): Promise<LobHealth> {
  return send('health.save', async () => {
    const out = await deps.doc.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: key(result.lob),
        UpdateExpression: result.ok
          ? 'SET checkedAt = :at, ok = :ok, summary = :summary REMOVE failingSince'
          : 'SET checkedAt = :at, ok = :ok, summary = :summary, failingSince = if_not_exists(failingSince, :at)',
        ExpressionAttributeValues: { ':at': result.checkedAt, ':ok': result.ok, ':summary': result.summary },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return reshapeHealth(out.Attributes ?? {});
  });
}

function reshapeHealth(item: Record<string, unknown>): LobHealth {
  return {
    lob: String(item.sk),
    checkedAt: String(item.checkedAt ?? ''),
    ok: item.ok === true,
    failingSince: typeof item.failingSince === 'string' ? item.failingSince : undefined,
    summary: typeof item.summary === 'string' ? item.summary : '',
  };
}

/** The stored health of these LOBs (those never checked are missing from the map). */
export async function readLobHealth(deps: UsageTable, lobs: string[]): Promise<Map<string, LobHealth>> {
  const found = new Map<string, LobHealth>();
  await send('health.read', async () => {
    for (let i = 0; i < lobs.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = lobs.slice(i, i + 100).map(key);
      for (let attempt = 0; keys?.length && attempt < 5; attempt++) {
        const out: BatchGetCommandOutput = await deps.doc.send(
          new BatchGetCommand({ RequestItems: { [deps.table]: { Keys: keys } } }),
        );
        for (const item of out.Responses?.[deps.table] ?? []) found.set(String(item.sk), reshapeHealth(item));
        keys = out.UnprocessedKeys?.[deps.table]?.Keys;
      }
    }
  });
  return found;
}
