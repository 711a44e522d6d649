// Mapping VS Code's `learnability.*` settings to the server's settings object (initializationOptions
// `{settings: ...}` and the answer to `workspace/configuration` for section "learnability"). Pure.

import {
  KNOWN_THRESHOLDS,
  LINT_ON,
  LINT_ON_DEFAULT,
  LOG_LEVELS,
  LOG_LEVEL_DEFAULT,
  PROBE_DEFAULTS,
  PROBE_MINIMUM,
  SEVERITIES,
} from "./defaults";

export { KNOWN_THRESHOLDS } from "./defaults";

export type Severity = (typeof SEVERITIES)[number];
export type LintOn = (typeof LINT_ON)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServerSettings {
  select: string[];
  ignore: string[];
  thresholds: Record<string, number>;
  severity: Record<string, Severity>;
  lintOn: LintOn;
  interpreter: string;
  probe: { budgetSeconds: number; timeoutSeconds: number };
  logLevel: LogLevel;
}

// The defaults and lists come from the Python side (extension/src/defaults.ts is generated).
export const DEFAULTS: ServerSettings = {
  select: [],
  ignore: [],
  thresholds: {},
  severity: {},
  lintOn: LINT_ON_DEFAULT,
  interpreter: "",
  probe: { ...PROBE_DEFAULTS },
  logLevel: LOG_LEVEL_DEFAULT,
};

/** Reads one setting below `learnability.` (e.g. "probe.budgetSeconds"); undefined when unset. */
export type SettingGetter = (key: string) => unknown;

/** Rule ids or prefixes: strings, upper-cased, comma lists split, blanks and duplicates dropped. */
export function ruleList(value: unknown): string[] {
  const items: unknown[] = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== "string") continue;
    for (const part of item.split(",")) {
      const id = part.trim().toUpperCase();
      if (id && !out.includes(id)) out.push(id);
    }
  }
  return out;
}

function finiteNumber(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

export function thresholdMap(value: unknown, problems?: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (!value || typeof value !== "object" || Array.isArray(value)) return out;
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const n = finiteNumber(raw);
    if (!(KNOWN_THRESHOLDS as readonly string[]).includes(key)) {
      problems?.push(`unknown threshold "${key}" (known: ${KNOWN_THRESHOLDS.join(", ")})`);
      continue;
    }
    if (n === undefined) {
      problems?.push(`threshold "${key}" must be a number`);
      continue;
    }
    out[key] = n;
  }
  return out;
}

const SEVERITY_ALIASES: Record<string, Severity> = {
  ...(Object.fromEntries(SEVERITIES.map((s) => [s, s])) as Record<string, Severity>),
  warn: "warning",
  information: "info",
  hint: "info",
};

export function severityMap(value: unknown, problems?: string[]): Record<string, Severity> {
  const out: Record<string, Severity> = {};
  if (!value || typeof value !== "object" || Array.isArray(value)) return out;
  for (const [rule, raw] of Object.entries(value as Record<string, unknown>)) {
    const sev = typeof raw === "string" ? SEVERITY_ALIASES[raw.trim().toLowerCase()] : undefined;
    if (!sev) {
      problems?.push(`severity for ${rule} must be error, warning or info`);
      continue;
    }
    out[rule.trim().toUpperCase()] = sev;
  }
  return out;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === "string" && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function positive(value: unknown, fallback: number, min: number): number {
  const n = finiteNumber(value);
  if (n === undefined || n <= 0) return fallback;
  return Math.max(min, n);
}

/**
 * The server's settings from the editor's. `interpreter` is the resolved interpreter path (the probe
 * runs there); `problems` collects human-readable notes about values that were dropped.
 */
export function toServerSettings(get: SettingGetter, interpreter: string, problems?: string[]): ServerSettings {
  return {
    select: ruleList(get("select")),
    ignore: ruleList(get("ignore")),
    thresholds: thresholdMap(get("thresholds"), problems),
    severity: severityMap(get("severity"), problems),
    lintOn: oneOf(get("lintOn"), LINT_ON, DEFAULTS.lintOn),
    interpreter,
    probe: {
      budgetSeconds: positive(get("probe.budgetSeconds"), DEFAULTS.probe.budgetSeconds, PROBE_MINIMUM.budgetSeconds),
      timeoutSeconds: positive(get("probe.timeoutSeconds"), DEFAULTS.probe.timeoutSeconds, PROBE_MINIMUM.timeoutSeconds),
    },
    logLevel: oneOf(get("logLevel"), LOG_LEVELS, DEFAULTS.logLevel),
  };
}

/** Settings whose change needs a new server process (the others are pushed to the running one). */
export const RESTART_SETTINGS = ["learnability.interpreter"] as const;

/** Builds a getter over a nested object such as `{probe: {budgetSeconds: 5}}` or a flat `{"probe.budgetSeconds": 5}`. */
export function getterFromObject(obj: Record<string, unknown>): SettingGetter {
  return (key) => {
    if (key in obj) return obj[key];
    let cur: unknown = obj;
    for (const part of key.split(".")) {
      if (!cur || typeof cur !== "object") return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  };
}
