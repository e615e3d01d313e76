export { mapBounded } from "./concurrency.js";
export {
  type ExtractedResource,
  type ExtractOptions,
  type ExtractResult,
  extractResources,
  type RecordSink,
} from "./extractor.js";
