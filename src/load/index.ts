// The load package: the contract between the normalize stage (which writes it) and the destinations
// (which commit it). Handing a package to a destination exactly once is the pipeline's load stage.
export {
  type LoadPackage,
  type PackageTable,
  type PipelineState,
  STAGING_ROW_COLUMN,
} from "./package.js";
