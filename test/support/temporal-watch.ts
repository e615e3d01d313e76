import { Client, Connection } from "@temporalio/client";
import { defaultPayloadConverter } from "@temporalio/common";

/** A pending activity of a workflow as `describe()` shows it: which worker runs it and its last heartbeat. */
export interface PendingActivity {
  type: string;
  attempt: number;
  /** The worker's identity: `<pid>@<host>` by default. */
  worker: string;
  details: unknown;
}

/** A Temporal client for tests that look into a running workflow. */
export async function watchClient(address: string): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection }), close: () => connection.close() };
}

export async function pendingActivities(client: Client, workflowId: string): Promise<PendingActivity[]> {
  const d = await client.workflow.getHandle(workflowId).describe();
  return (d.raw.pendingActivities ?? []).map((a) => ({
    type: a.activityType?.name ?? "",
    attempt: a.attempt ?? 0,
    worker: a.lastWorkerIdentity ?? "",
    details: a.heartbeatDetails?.payloads?.[0]
      ? defaultPayloadConverter.fromPayload(a.heartbeatDetails.payloads[0])
      : undefined,
  }));
}

/** Polls until `pick` returns a value (every 100 ms, at most `timeoutMs`). */
export async function waitFor<T>(
  pick: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await pick();
      if (v !== undefined) return v;
    } catch {
      // The workflow may not exist yet.
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
