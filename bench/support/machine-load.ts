import os from "node:os";

/** The machine's load when a figure was taken: on a shared box, a figure means little without it. */
export function machineLoadLine(): string {
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  return `  machine load average ${load} on ${os.cpus().length} cores`;
}
