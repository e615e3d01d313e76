/** Names sluice reserves in every destination (DESIGN §2): one definition for the normalizer and the loaders. */
export const SYSTEM_COLUMNS = {
  loadId: "_sluice_load_id",
  id: "_sluice_id",
  parentId: "_sluice_parent_id",
  listIdx: "_sluice_list_idx",
  rootId: "_sluice_root_id",
} as const;

export const SYSTEM_TABLE_NAMES = {
  loads: "_sluice_loads",
  state: "_sluice_pipeline_state",
  version: "_sluice_version",
} as const;
