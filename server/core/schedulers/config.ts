// Reads a diffusers scheduler_config.json object against a scheduler's defaults: types checked, and every option of the
// diffusers class honoured or refused by name (keys only other classes take are left to them, as from_config does).
import { EaselError } from '../errors.js';
import { DIFFUSERS_SIGNATURES, INERT_OPTIONS, REFUSED_OPTIONS } from './diffusers-options.js';

type ConfigValue = number | boolean | string | null | readonly number[];

/** Defaults as diffusers declares them; a null default means "number or null". */
type ConfigDefaults = Record<string, ConfigValue>;

type Widen<T> = T extends number ? number : T extends boolean ? boolean : T extends string ? string : T;
type ResolvedConfig<D extends ConfigDefaults> = { [K in keyof D]: Widen<D[K]> };

function acceptsValue(fallback: ConfigValue, value: unknown): boolean {
  if (fallback === null) return typeof value === 'number';
  if (Array.isArray(fallback)) return Array.isArray(value) && value.every((v) => typeof v === 'number');
  return typeof value === typeof fallback;
}

/** Missing or null keys take the default (diffusers' JSON writes null for unset optionals). */
export function resolveConfig<D extends ConfigDefaults>(
  raw: Record<string, unknown>,
  defaults: D,
  schedulerName: string,
): ResolvedConfig<D> {
  const resolved: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    const value = raw[key];
    if (value === undefined || value === null) {
      resolved[key] = fallback;
    } else if (acceptsValue(fallback, value)) {
      resolved[key] = value;
    } else {
      const expected = fallback === null ? 'number' : Array.isArray(fallback) ? 'array of numbers' : typeof fallback;
      throw new EaselError(
        'INVALID_MODEL',
        `scheduler_config.json key "${key}" for ${schedulerName} must be a ${expected}, got ${JSON.stringify(value)}`,
      );
    }
  }
  refuseUnsupportedOptions(raw, defaults, schedulerName);
  return resolved as ResolvedConfig<D>;
}

/** Options of the class that the scheduler's defaults do not cover: refused unless at the value Easel reproduces. */
function refuseUnsupportedOptions(raw: Record<string, unknown>, defaults: ConfigDefaults, schedulerName: string): void {
  const signature = DIFFUSERS_SIGNATURES[schedulerName];
  if (signature === undefined) throw new EaselError('INTERNAL', `no diffusers signature is recorded for ${schedulerName}`);
  for (const key of signature) {
    if (key in defaults || key in INERT_OPTIONS) continue;
    const refused = REFUSED_OPTIONS[key];
    if (refused === undefined) throw new EaselError('INTERNAL', `${schedulerName} option "${key}" is neither honoured nor refused`);
    const value = raw[key];
    if (value === undefined || value === refused.accepted || (refused.accepted === null && value === null)) continue;
    throw new EaselError(
      'INVALID_MODEL',
      `scheduler_config.json key "${key}" is ${JSON.stringify(value)}: ${schedulerName} would then use ${refused.effect}, ` +
        `which Easel does not reproduce; set it to ${JSON.stringify(refused.accepted)} or remove it`,
      { details: { file: 'scheduler/scheduler_config.json', key } },
    );
  }
}

/** Rejects a string setting outside the values a scheduler supports, naming them. */
export function requireOneOf<T extends string>(value: string, allowed: readonly T[], key: string, schedulerName: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new EaselError(
    'INVALID_MODEL',
    `scheduler_config.json key "${key}" for ${schedulerName} is "${value}"; supported: ${allowed.join(', ')}`,
    { details: { file: 'scheduler/scheduler_config.json', key } },
  );
}

export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
export type PredictionType = (typeof PREDICTION_TYPES)[number];
