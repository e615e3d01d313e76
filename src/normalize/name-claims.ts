import { shortenIdentifier } from "../schema/naming.js";
import { own } from "../schema/tree.js";

/**
 * Name claims keep two source keys that normalize alike (`aB`, `a_b`) apart, the same way on every run:
 * a table's `source_names` records which source identity (a JSON array of source keys) owns each name,
 * and the first identity to claim a name keeps it.
 */

/**
 * The name `ident` gets for `candidate` among `claims`: the one it already owns, else the first free one of
 * `candidate`, `candidate_1`, `candidate_2`, … (each fitted to `maxLength`). Records nothing: a name is
 * claimed only once the change that needs it is allowed.
 */
export function resolveName(
  claims: Readonly<Record<string, string>>,
  candidate: string,
  ident: string,
  maxLength: number,
): string {
  let name = candidate;
  for (let i = 1; ; i++) {
    const owner = own(claims, name);
    if (owner === undefined || owner === ident) return name;
    name = shortenIdentifier(`${candidate}_${i}`, maxLength);
  }
}
