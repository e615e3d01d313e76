import { type Plan, planResources, type Selection } from "./plan-resources.js";
import { type ConfigFormat, configObject, renderConfig, secretsTemplate } from "./render-config.js";
import { loadSpec } from "./spec-load.js";
import { apiModel } from "./spec-model.js";

export type { ConfigFormat, Plan, Selection };
export { configObject, renderConfig, secretsTemplate };

export interface GeneratedConfig {
  plan: Plan;
  text: string;
  secrets: string;
}

/** OpenAPI spec (file or URL) → a commented sluice config and its secrets template. */
export async function generateFromOpenApi(
  spec: string,
  options: { cwd: string; format: ConfigFormat; selection?: Selection },
): Promise<GeneratedConfig> {
  const loaded = await loadSpec(spec, options.cwd);
  const plan = planResources(apiModel(loaded), options.selection);
  return { plan, text: renderConfig(plan, options.format, spec), secrets: secretsTemplate(plan) };
}
