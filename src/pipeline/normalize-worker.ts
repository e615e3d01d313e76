/**
 * The normalizer's thread: it goes on with a package the main thread started (or starts it), normalizing
 * and writing each batch it is sent, so that extraction (HTTP, parsing, paging) and normalization run on
 * two cores. Protocol in threaded-normalizer.ts.
 */
import { parentPort, workerData } from "node:worker_threads";
import { errorToTransfer } from "../core/error-transfer.js";
import { PackageNormalizer } from "./normalize-stage.js";
import type { FromNormalizerThread, ToNormalizerThread, WorkerSetup } from "./threaded-normalizer.js";

const port = parentPort;
if (port === null) throw new Error("normalize-worker.ts runs as a worker thread only");
const setup = workerData as WorkerSetup;
const post = (m: FromNormalizerThread): void => port.postMessage(m);
let normalizer: PackageNormalizer | undefined;
let failed = false;

port.on("message", (m: ToNormalizerThread) => {
  if (failed) return;
  try {
    if (m.type === "start") {
      normalizer = new PackageNormalizer({
        ...setup.stage,
        ...(m.from === undefined ? {} : { from: m.from }),
        onProgress: (records) => post({ type: "progress", records }),
        ...(setup.reportFiles
          ? { onFileClosed: (table, file, schema) => post({ type: "file", table, file, schema }) }
          : {}),
      });
    } else if (normalizer === undefined) {
      throw new Error(`normalizer thread got "${m.type}" before "start"`);
    } else if (m.type === "open") {
      normalizer.open(m.resource, m.hints);
    } else if (m.type === "write") {
      normalizer.write(m.resource, m.batch);
    } else {
      post({ type: "finished", result: normalizer.finish() });
    }
  } catch (err) {
    failed = true;
    normalizer?.close();
    post({ type: "failed", error: errorToTransfer(err) });
  }
});
post({ type: "ready" });
