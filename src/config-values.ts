// Parsers of single configuration values, for ./config.ts (the only reader of the
// environment): each takes the raw string and the setting's name, and reports a bad value as
// a problem naming the setting rather than throwing, so every problem is reported at once.
import { REGION_REGEXP } from './domain/identifiers';
import type { RunMode } from './config';
import { MIN_WORKFLOW_CACHE_SIZE } from './domain/workflow-cache';

const DEFAULT_REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-central-1'];

export function parsePort(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(`${name} must be an integer between 0 and 65535 (got "${raw}")`);
    return fallback;
  }
  return port;
}

export function parsePositiveInteger(name: string, raw: string | undefined, fallback: number, problems: string[]): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    problems.push(`${name} must be a positive integer (got "${raw}")`);
    return fallback;
  }
  return value;
}

export function parseBoolean(name: string, raw: string | undefined, fallback: boolean, problems: string[]): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  problems.push(`${name} must be true or false (got "${raw}")`);
  return fallback;
}

export function parseUrl(name: string, raw: string, problems: string[]): string {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    problems.push(`${name} must be an http(s) URL (got "${raw}")`);
  }
  return raw;
}

/** The value is never echoed: its user info holds the broker password. */
export function parsePulseUrl(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    problems.push('PULSE_URL must be an AMQP URL, amqp://user:password@host[:port][/vhost] or amqps://...');
    return undefined;
  }
  if (url.protocol !== 'amqp:' && url.protocol !== 'amqps:') {
    problems.push(`PULSE_URL must use the amqp: or amqps: scheme (got "${url.protocol}")`);
  } else if (!url.hostname) {
    problems.push('PULSE_URL must name the broker host');
  }
  return raw;
}

export function parseDatabaseUrl(raw: string | undefined, mode: RunMode, problems: string[]): string | undefined {
  if (!raw) {
    if (mode !== 'dev') problems.push('DATABASE_URL is required (postgresql://user:password@host:port/database)');
    return undefined;
  }
  if (!/^postgres(ql)?:\/\//.test(raw)) problems.push('DATABASE_URL must start with postgresql://');
  return raw;
}

export function parseToken(name: string, raw: string | undefined, required: boolean, problems: string[]): string | undefined {
  if (!raw) {
    if (required) problems.push(`${name} is required (a random string of at least 22 characters)`);
    return undefined;
  }
  if (raw.length < 22) problems.push(`${name} must be at least 22 characters long`);
  return raw;
}

/** Accepts 32 bytes as base64 (44 chars) or hex (64 chars). */
export function parseSecretsKey(raw: string): Buffer | undefined {
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  return key.length === 32 ? key : undefined;
}

export function parseKey(raw: string | undefined, mode: RunMode, problems: string[]): Buffer | undefined {
  if (!raw) {
    if (mode !== 'dev') problems.push('SECRETS_KEY is required (32 random bytes, base64 or hex: `openssl rand -base64 32`)');
    return undefined;
  }
  const key = parseSecretsKey(raw);
  if (!key) problems.push('SECRETS_KEY must be 32 bytes, encoded as base64 or hex');
  return key;
}

export function parseRegions(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined || raw.trim() === '') return [...DEFAULT_REGIONS];
  const regions = raw.split(',').map((r) => r.trim()).filter((r) => r !== '');
  const bad = regions.filter((r) => !REGION_REGEXP.test(r));
  if (bad.length > 0) problems.push(`ALLOWED_REGIONS contains invalid region names: ${bad.join(', ')}`);
  if (new Set(regions).size !== regions.length) problems.push('ALLOWED_REGIONS lists a region more than once');
  return regions;
}

/** WORKFLOW_CACHE_SIZE: unset leaves the SDK's default (from the heap size). */
export function parseWorkflowCacheSize(raw: string | undefined, problems: string[]): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (Number.isSafeInteger(value) && value >= MIN_WORKFLOW_CACHE_SIZE) return value;
  problems.push(`WORKFLOW_CACHE_SIZE must be an integer of at least ${MIN_WORKFLOW_CACHE_SIZE} (got "${raw}")`);
  return undefined;
}
