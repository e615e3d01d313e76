export type { LoadInfo, PackageInfo, ProgressEvent, Stage, StageTimings } from "./load-info.js";
export type { PackageManifest, PackageStatus } from "./package-store.js";
export {
  type DropOptions,
  defaultPipelinesDir,
  Pipeline,
  type PipelineOptions,
  pipeline,
  type RunOptions,
} from "./pipeline.js";
