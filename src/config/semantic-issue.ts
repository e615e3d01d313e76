import type { PathSegment } from "./positions.js";

/** A problem found by a check the schema cannot express (names, references, cycles). */
export interface SemanticIssue {
  path: PathSegment[];
  message: string;
  hint?: string;
}
