import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { catalogAt, EMAIL_FROM_EPOCH, eventsAt, ordersAt, ROLES_FROM_EPOCH, usersAt } from "./kill-api.js";

/** Runs SQL against the destination under test (DuckDB or PostgreSQL), rows as plain objects. */
export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

export type Row = Record<string, string | number | null>;
export type Tables = Record<string, Row[]>;

/** The data tables, in the order they are compared. */
const KILL_TABLES = [
  "users",
  "users__tags",
  "users__roles",
  "orders",
  "orders__lines",
  "catalog",
  "events",
] as const;

/** The tables that exist once the API has served `epoch` (a child table appears with its first list). */
export function killTables(epoch: number): string[] {
  return KILL_TABLES.filter((t) => t !== "users__roles" || epoch >= ROLES_FROM_EPOCH);
}
const ROOT_TABLES = ["users", "orders", "catalog", "events"] as const;

/**
 * What the destination must hold after the API served `epoch` last and a run completed: merge tables the
 * newest version of every key (keys only grow), their nested lists exactly the newest lists, the replace
 * table only the newest set, the append table every event once.
 */
export function expectedTables(epoch: number): Tables {
  const users = usersAt(epoch);
  const orders = users.flatMap((u) => ordersAt(epoch, u.id).map((o) => ({ ...o, parent: u.name })));
  const all: Tables = {
    users: users.map((u) => ({
      id: u.id,
      name: u.name,
      address__city: u.address.city,
      ...(epoch >= EMAIL_FROM_EPOCH ? { email: u.email ?? null } : {}),
    })),
    users__tags: users.flatMap((u) => u.tags.map((value, idx) => ({ id: u.id, idx, value }))),
    users__roles: users.flatMap((u) => (u.roles ?? []).map((r, idx) => ({ id: u.id, idx, role: r.role }))),
    orders: orders.map((o) => ({
      order_id: o.order_id,
      user_id: o.user_id,
      status: o.status,
      amount: o.amount,
      _users_name: o.parent,
    })),
    orders__lines: orders.flatMap((o) =>
      o.lines.map((l, idx) => ({ order_id: o.order_id, idx, sku: l.sku, qty: l.qty })),
    ),
    catalog: catalogAt(epoch).map((i) => ({ sku: i.sku, title: i.title, price: i.price })),
    events: eventsAt(epoch).map((e) => ({ id: e.id, kind: e.kind })),
  };
  return sortTables(Object.fromEntries(killTables(epoch).map((t) => [t, all[t] ?? []])));
}

/**
 * The same tables read back. Child rows are joined to their parent with a LEFT JOIN so an orphan shows up
 * as a row with a null key instead of vanishing. Portable SQL: DuckDB and PostgreSQL alike.
 */
export async function readTables(query: Query, dataset: string, epoch: number): Promise<Tables> {
  const t = (name: string) => `"${dataset}"."${name}"`;
  const int = (col: string) => `CAST(${col} AS INTEGER)`;
  const email = epoch >= EMAIL_FROM_EPOCH ? ", email" : "";
  const sql: Record<(typeof KILL_TABLES)[number], string> = {
    users: `SELECT ${int("id")} AS id, name, address__city${email} FROM ${t("users")}`,
    users__tags: `SELECT ${int("u.id")} AS id, ${int("c._sluice_list_idx")} AS idx, c.value
      FROM ${t("users__tags")} c LEFT JOIN ${t("users")} u ON u._sluice_id = c._sluice_parent_id`,
    users__roles: `SELECT ${int("u.id")} AS id, ${int("c._sluice_list_idx")} AS idx, c.role
      FROM ${t("users__roles")} c LEFT JOIN ${t("users")} u ON u._sluice_id = c._sluice_parent_id`,
    orders: `SELECT ${int("order_id")} AS order_id, ${int("user_id")} AS user_id, status,
      CAST(amount AS DOUBLE PRECISION) AS amount, _users_name FROM ${t("orders")}`,
    orders__lines: `SELECT ${int("o.order_id")} AS order_id, ${int("c._sluice_list_idx")} AS idx, c.sku,
      ${int("c.qty")} AS qty
      FROM ${t("orders__lines")} c LEFT JOIN ${t("orders")} o ON o._sluice_id = c._sluice_parent_id`,
    catalog: `SELECT sku, title, CAST(price AS DOUBLE PRECISION) AS price FROM ${t("catalog")}`,
    events: `SELECT ${int("id")} AS id, kind FROM ${t("events")}`,
  };
  const out: Tables = {};
  for (const name of killTables(epoch))
    out[name] = (await query(sql[name as (typeof KILL_TABLES)[number]])) as Row[];
  return sortTables(out);
}

function sortTables(tables: Tables): Tables {
  const key = (r: Row) => JSON.stringify(Object.values(r));
  const out: Tables = {};
  for (const [name, rows] of Object.entries(tables))
    out[name] = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return out;
}

/**
 * Consistency of the _sluice_ system tables with the data and the working dir; returns what is wrong
 * (empty when all holds), so a failure lists every problem at once.
 */
export async function systemProblems(
  query: Query,
  dataset: string,
  workingDir: string,
  epoch: number,
): Promise<string[]> {
  const problems: string[] = [];
  const t = (name: string) => `"${dataset}"."${name}"`;
  const loads = await query(
    `SELECT load_id, CAST(status AS INTEGER) AS status, schema_version_hash FROM ${t("_sluice_loads")}`,
  );
  const loadIds = new Set(loads.map((l) => String(l["load_id"])));
  if (loadIds.size !== loads.length)
    problems.push(`_sluice_loads has duplicate load ids (${loads.length} rows)`);
  const notDone = loads.filter((l) => l["status"] !== 0);
  if (notDone.length > 0) problems.push(`_sluice_loads rows with status ≠ 0: ${JSON.stringify(notDone)}`);

  const present = await query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = '${dataset}' ORDER BY table_name`,
  );
  const names = present.map((r) => String(r["table_name"])).sort();
  const wanted = [...killTables(epoch), "_sluice_loads", "_sluice_pipeline_state", "_sluice_version"].sort();
  if (JSON.stringify(names) !== JSON.stringify(wanted))
    problems.push(`tables are ${names.join(", ")}; expected ${wanted.join(", ")}`);

  const versions = await query(`SELECT version_hash FROM ${t("_sluice_version")}`);
  const hashes = new Set(versions.map((v) => String(v["version_hash"])));
  for (const l of loads)
    if (!hashes.has(String(l["schema_version_hash"])))
      problems.push(`load ${l["load_id"]} names schema ${l["schema_version_hash"]}, not in _sluice_version`);

  for (const name of ROOT_TABLES) {
    const ids = await query(`SELECT DISTINCT _sluice_load_id AS id FROM ${t(name)}`);
    for (const r of ids)
      if (!loadIds.has(String(r["id"])))
        problems.push(`${name} has rows of load ${r["id"]}, not in _sluice_loads`);
  }
  for (const name of killTables(epoch)) {
    const [r] = await query(
      `SELECT CAST(count(*) AS INTEGER) AS n, CAST(count(DISTINCT _sluice_id) AS INTEGER) AS d FROM ${t(name)}`,
    );
    if (r?.["n"] !== r?.["d"]) problems.push(`${name}: ${r?.["n"]} rows but ${r?.["d"]} distinct _sluice_id`);
  }

  // One state row per committed load, versions 1..n without gaps, the newest one is the working dir's.
  const states = await query(
    `SELECT CAST(version AS INTEGER) AS version, state, _sluice_load_id AS load_id FROM ${t("_sluice_pipeline_state")}`,
  );
  const stateVersions = states.map((s) => Number(s["version"])).sort((a, b) => a - b);
  if (stateVersions.some((v, i) => v !== i + 1))
    problems.push(`_sluice_pipeline_state versions are not 1..n: ${stateVersions.join(",")}`);
  if (states.length !== loads.length) problems.push(`${states.length} state rows for ${loads.length} loads`);
  for (const s of states)
    if (!loadIds.has(String(s["load_id"])))
      problems.push(`state v${s["version"]} names load ${s["load_id"]}, not in _sluice_loads`);
  const newest = states.find((s) => Number(s["version"]) === stateVersions.at(-1));
  const parsed = newest ? (JSON.parse(String(newest["state"])) as StateShape) : undefined;
  const cursor = parsed?.resources?.events?.incremental?.id?.last_value;
  const lastEvent = eventsAt(epoch).at(-1)?.id;
  if (cursor !== lastEvent)
    problems.push(`events cursor in the newest state is ${cursor}, expected ${lastEvent}`);

  const local = JSON.parse(readFileSync(join(workingDir, "state.json"), "utf8")) as { version: number };
  if (local.version !== stateVersions.at(-1))
    problems.push(`working dir state is v${local.version}, destination's newest is v${stateVersions.at(-1)}`);
  const packagesDir = join(workingDir, "packages");
  for (const id of existsSync(packagesDir) ? readdirSync(packagesDir) : []) {
    const manifest = join(packagesDir, id, "manifest.json");
    const status = existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, "utf8")) as { status: string }).status
      : "no manifest";
    if (status !== "loaded") problems.push(`package ${id} left ${status} after a completed run`);
  }
  if (existsSync(join(workingDir, "run.lock"))) problems.push("run.lock left behind by a completed run");
  return problems;
}

interface StateShape {
  resources?: { events?: { incremental?: { id?: { last_value?: number } } } };
}
