export { type LoadOutcome, loadPackage } from "./package-loader.js";
