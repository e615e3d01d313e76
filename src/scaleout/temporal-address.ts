import { SluiceError } from "../core/errors.js";

/** Where a Temporal server is and which namespace and task queue sluice uses on it. */
export interface TemporalTarget {
  /** `host:port` of the frontend (gRPC). */
  address: string;
  namespace: string;
}

export const DEFAULT_NAMESPACE = "default";
export const DEFAULT_TASK_QUEUE = "sluice";

/**
 * `temporal://HOST:PORT[/namespace]` (what `--on` takes) or a bare `HOST:PORT` (what `sluice worker
 * --temporal` takes). The port is required: Temporal's default 7233 is easy to forget on a dev server
 * started on another port, and a guessed one fails far from the cause.
 */
export function parseTemporalTarget(text: string, flag: string): TemporalTarget {
  const bare = text.startsWith("temporal://") ? text.slice("temporal://".length) : text;
  if (bare !== text || !text.includes("://")) {
    const [hostPort = "", ns, ...rest] = bare.split("/");
    const m = /^(\[[^\]]+\]|[^:/]+):(\d{1,5})$/.exec(hostPort);
    const namespace = ns === undefined || ns === "" ? DEFAULT_NAMESPACE : decodeURIComponent(ns);
    if (m !== null && rest.filter((s) => s !== "").length === 0 && Number(m[2]) <= 65535)
      return { address: hostPort, namespace };
  }
  throw new SluiceError(`${flag}: "${text}" is not a Temporal address`, {
    code: "USAGE",
    hint: `Write ${flag} temporal://HOST:PORT[/namespace] (or HOST:PORT), e.g. temporal://127.0.0.1:7233/default.`,
  });
}
