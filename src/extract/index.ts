export { mapBounded } from "./concurrency.js";
export {
  type ExtractedResource,
  type ExtractOptions,
  type ExtractResult,
  extractResources,
} from "./extractor.js";
export { NdjsonWriter, type NdjsonWriterOptions, readNdjsonLines } from "./ndjson-files.js";
export { recordToJson } from "./record-json.js";
