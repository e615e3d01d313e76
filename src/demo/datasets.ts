import { type Rng, rngFor } from "./prng.js";

/**
 * The demo API's data: one generator per collection, shaped after the five seed systems. Records are
 * pure functions of their index so paging is stable and memory stays flat.
 */
export type DatasetName =
  | "analytics"
  | "businesses"
  | "connections"
  | "customers"
  | "items"
  | "events"
  | "organizations"
  | "repositories"
  | "resources";

export type DemoRecord = Record<string, unknown>;

/** Default sizes: large enough to page several times, small enough for a demo that takes seconds. */
export const DEFAULT_COUNTS: Readonly<Record<DatasetName, number>> = {
  analytics: 1000,
  businesses: 230,
  connections: 140,
  customers: 320,
  items: 9,
  events: 250,
  organizations: 40,
  repositories: 120,
  resources: 180,
};

const EPOCH = Date.UTC(2026, 0, 1);
const COUNTRIES = ["DE", "FR", "US", "BR", "JP", "IN", "NL", "SE"] as const;
const CITIES = ["Berlin", "Lyon", "Austin", "Recife", "Osaka", "Pune", "Utrecht", "Malmö"] as const;
const PLANS = ["free", "starter", "pro", "enterprise"] as const;
const EVENTS = ["page_view", "search", "signup", "add_to_cart", "purchase"] as const;
const PATHS = ["/", "/pricing", "/docs", "/blog/launch", "/checkout", "/account"] as const;
const INDUSTRIES = ["retail", "logistics", "health", "education", "finance", "media"] as const;
const SERVICES = ["Ledgerly", "ShipFast", "MailRoom", "PayBridge", "CalSync", "DocuVault"] as const;
const WORDS = [
  "amber",
  "birch",
  "cobalt",
  "delta",
  "ember",
  "fjord",
  "granite",
  "harbor",
  "indigo",
  "juniper",
];
const LANGS = ["TypeScript", "Python", "Go", "Rust", "Java", null] as const;

const iso = (ms: number): string => new Date(ms).toISOString();
const day = (ms: number): string => iso(ms).slice(0, 10);
const name2 = (r: Rng): string => `${r.pick(WORDS)} ${r.pick(WORDS)}`;
const title = (s: string): string => s.replace(/\b\w/g, (c) => c.toUpperCase());
/** Odd cents, so a price never serializes as an integer and type inference stays stable. */
const price = (r: Rng, max: number): number => (r.int(0, max * 50) * 2 + 1) / 100;

function analytics(i: number): DemoRecord {
  const r = rngFor("analytics", i);
  const event = r.pick(EVENTS);
  const pages = Array.from({ length: r.int(0, 3) }, () => ({ path: r.pick(PATHS), seconds: r.int(1, 240) }));
  return {
    analytics_id: 100_001 + i,
    event_name: event,
    occurred_at: iso(EPOCH + i * 37_000 + r.int(0, 30_000)),
    user: {
      id: `u_${r.int(1, 400).toString().padStart(4, "0")}`,
      country: r.pick(COUNTRIES),
      plan: r.pick(PLANS),
      is_new: r.bool(0.2),
    },
    device: {
      type: r.pick(["desktop", "mobile", "tablet"]),
      os: r.pick(["linux", "macos", "ios", "android"]),
    },
    revenue: event === "purchase" ? price(r, 300) : null,
    session: { id: `s_${(i * 7919) % 100_000}`, duration_seconds: r.int(5, 3600), pages },
    tags: r.bool(0.5) ? [r.pick(["campaign:spring", "beta", "mobile-app", "referral"])] : [],
  };
}

function business(i: number): DemoRecord {
  const r = rngFor("businesses", i);
  const at = r.int(0, COUNTRIES.length - 1);
  return {
    id: i + 1,
    // Some businesses have no display name yet: the column is nullable.
    businessName: r.bool(0.1) ? null : `${title(name2(r))} ${r.pick(["GmbH", "Ltd", "Inc", "SAS"])}`,
    industry: r.pick(INDUSTRIES),
    isActive: r.bool(0.85),
    foundedYear: r.int(1950, 2024),
    address: { city: CITIES[at], country: COUNTRIES[at], postalCode: String(r.int(10_000, 99_999)) },
    contacts: Array.from({ length: r.int(1, 2) }, (_, k) => ({
      name: title(r.pick(WORDS)),
      email: `contact${k}@biz${i + 1}.example`,
    })),
    createdAt: iso(EPOCH - r.int(1, 900) * 86_400_000),
  };
}

function connection(i: number): DemoRecord {
  const r = rngFor("connections", i);
  return {
    id: i + 1,
    businessId: r.int(1, DEFAULT_COUNTS.businesses),
    serviceName: r.pick(SERVICES),
    status: r.pick(["active", "active", "paused", "error"]),
    connectedAt: iso(EPOCH - r.int(1, 400) * 86_400_000),
    settings: { syncIntervalMinutes: r.pick([5, 15, 60, 1440]), backfill: r.bool(0.3) },
  };
}

function customer(i: number): DemoRecord {
  const r = rngFor("customers", i);
  return {
    id: i + 1,
    businessId: r.int(1, DEFAULT_COUNTS.businesses),
    customerName: title(name2(r)),
    email: r.bool(0.05) ? null : `customer${i + 1}@mail.example`,
    lifetimeValue: price(r, 5000),
    signupDate: day(EPOCH - r.int(1, 700) * 86_400_000),
    segments: r.bool(0.6) ? [r.pick(["vip", "churn-risk", "new", "wholesale"])] : [],
  };
}

/** Seed 002: records wrapped as `{data: {...}}` inside `items`. */
function item(i: number): DemoRecord {
  const r = rngFor("items", i);
  return {
    data: {
      id: i + 1,
      name: title(name2(r)),
      status: r.pick(["open", "closed"]),
      score: price(r, 100),
      created_at: iso(EPOCH + i * 3_600_000),
    },
    links: { self: `/v1/resource/${i + 1}` },
  };
}

function event(i: number): DemoRecord {
  const r = rngFor("events", i);
  const at = EPOCH + i * 60_000;
  return {
    id: 5_000_001 + i,
    event_id: `ev_${(5_000_001 + i).toString(36)}`,
    event_type: r.pick(["PushEvent", "IssuesEvent", "PullRequestEvent", "WatchEvent"]),
    timestamp: iso(at),
    actor: { id: r.int(1, 500), login: `${r.pick(WORDS)}${r.int(1, 99)}` },
    repository_id: r.int(1, DEFAULT_COUNTS.repositories),
    payload: { action: r.pick(["opened", "closed", "created"]), size: r.int(1, 20) },
    // Volatile fields the seed 003 config leaves out.
    updated_at: iso(at + r.int(1, 10_000_000)),
    followers: r.int(0, 10_000),
  };
}

function organization(i: number): DemoRecord {
  const r = rngFor("organizations", i);
  const login = `${r.pick(WORDS)}-${r.pick(WORDS)}-${i + 1}`;
  return {
    id: i + 1,
    organization_id: `org_${i + 1}`,
    login,
    name: title(login.replace(/-/g, " ")),
    description: r.bool(0.3) ? null : `The ${login} organization`,
    public_repos: r.int(0, 200),
    created_at: iso(EPOCH - r.int(100, 3000) * 86_400_000),
    updated_at: iso(EPOCH - r.int(0, 99) * 86_400_000),
    followers: r.int(0, 50_000),
  };
}

function repository(i: number): DemoRecord {
  const r = rngFor("repositories", i);
  const repoName = `${r.pick(WORDS)}-${r.pick(["cli", "sdk", "api", "web", "etl"])}`;
  return {
    id: i + 1,
    repository_id: `repo_${i + 1}`,
    name: repoName,
    organization_id: `org_${r.int(1, DEFAULT_COUNTS.organizations)}`,
    language: r.pick(LANGS),
    private: r.bool(0.2),
    stargazers_count: r.int(0, 90_000),
    topics: Array.from({ length: r.int(0, 3) }, () => r.pick(WORDS)),
    created_at: iso(EPOCH - r.int(1, 2000) * 86_400_000),
    updated_at: iso(EPOCH - r.int(0, 30) * 86_400_000),
    followers: r.int(0, 5000),
  };
}

function resourceRecord(i: number): DemoRecord {
  const r = rngFor("resources", i);
  return {
    id: i + 1,
    name: title(name2(r)),
    category: r.pick(["alpha", "beta", "gamma"]),
    value: price(r, 1000),
    recorded_at: iso(EPOCH + i * 900_000),
    attributes: { color: r.pick(["red", "green", "blue"]), size: r.pick(["s", "m", "l"]) },
  };
}

export const GENERATORS: Readonly<Record<DatasetName, (i: number) => DemoRecord>> = {
  analytics,
  businesses: business,
  connections: connection,
  customers: customer,
  items: item,
  events: event,
  organizations: organization,
  repositories: repository,
  resources: resourceRecord,
};

/** Records `[from, from + count)` of a dataset of `total` records. */
export function slice(name: DatasetName, total: number, from: number, count: number): DemoRecord[] {
  const out: DemoRecord[] = [];
  const gen = GENERATORS[name];
  for (let i = Math.max(0, from); i < Math.min(total, from + count); i++) out.push(gen(i));
  return out;
}
