/**
 * A reference to a secret in a config: TypeScript configs hold `SecretRef`s (`secrets.client_id`), never
 * the value. It lives in core because every layer that reads config options (http, config, sources) meets it.
 */

// A global symbol, not `instanceof`: a `.ts` config may load a second copy of this module (built vs source).
const BRAND = Symbol.for("sluice.SecretRef");

/** A lazy reference to a secret, resolved by `resolveSecrets` at run time. It never holds the value. */
export class SecretRef {
  readonly name: string;
  declare readonly [BRAND]: true;

  constructor(name: string) {
    this.name = name;
    Object.defineProperty(this, BRAND, { value: true });
    Object.freeze(this);
  }

  /**
   * The file spelling `${secrets.name}`, so a template literal (`Bearer ${secrets.token}`) or
   * `JSON.stringify` of a TS config yields a string that resolves the same way a file does.
   */
  toString(): string {
    return `\${secrets.${this.name}}`;
  }

  toJSON(): string {
    return this.toString();
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `SecretRef(${this.name})`;
  }
}

export function isSecretRef(value: unknown): value is SecretRef {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** `secrets.client_id` / `secrets["github.token"]`: a lazy reference, never a value. */
export const secrets: Readonly<Record<string, SecretRef>> = new Proxy(
  {},
  {
    get(_target, prop) {
      return typeof prop === "string" ? new SecretRef(prop) : undefined;
    },
  },
) as Readonly<Record<string, SecretRef>>;

/** `secret("client_id")`: the same reference as `secrets.client_id`, typed without `| undefined` under `noUncheckedIndexedAccess`. */
export function secret(name: string): SecretRef {
  return new SecretRef(name);
}

/** Replaces every `SecretRef` and `${secrets.x}` with its value in a resolved config. */
export type Resolved<T> = T extends SecretRef
  ? string
  : // biome-ignore lint/complexity/noBannedTypes: functions pass through untouched
    T extends Function
    ? T
    : T extends readonly (infer U)[]
      ? Resolved<U>[]
      : T extends object
        ? { [K in keyof T]: Resolved<T[K]> }
        : T;
