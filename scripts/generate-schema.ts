// Writes schema/sluice-config.schema.json from the zod definition of the config language.
// Run with `npm run schema:generate`; a test fails while the committed file is stale.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildJsonSchema } from "../src/config/json-schema.js";

const target = fileURLToPath(new URL("../schema/sluice-config.schema.json", import.meta.url));
writeFileSync(target, `${JSON.stringify(buildJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
