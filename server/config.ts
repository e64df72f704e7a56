// Environment variables, parsed and validated once at start-up; a bad value stops the server with a message
// naming the variable.
import { delimiter, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseByteSize } from './byte-size.js';
import { parseKeepAlive } from './core/keep-alive.js';
import { DEFAULT_MIN_FREE_BYTES } from './storage/disk-space.js';
import { parseRetention, type RetentionPolicy } from './storage/retention-policy.js';
import { isLoopbackHost, parseList } from './http/request-gate.js';

const DEVICES = ['cpu', 'cuda', 'webgpu', 'auto'] as const;

/** A keep-alive-like duration variable ("30m", "1h30m", seconds, 0, -1), as whole seconds. */
function keepAliveVariable(name: string) {
  return z.string().transform((value, ctx) => {
    try {
      return parseKeepAlive(value, name);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
}

const schema = z.object({
  EASEL_DATA_DIR: z.string().min(1).default('./data'),
  EASEL_MODELS_DIR: z.string().min(1).optional(),
  EASEL_IMAGES_DIR: z.string().min(1).optional(),
  EASEL_HOST: z.string().min(1).default('127.0.0.1'),
  EASEL_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  EASEL_DEVICE: z.enum(DEVICES).default('auto'),
  EASEL_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  EASEL_ADMIN_TOKEN: z.string().min(1).optional(),
  EASEL_USER_TOKEN: z.string().min(1).optional(),
  EASEL_ALLOWED_HOSTS: z.string().optional(),
  EASEL_ALLOWED_ORIGINS: z.string().optional(),
  EASEL_DEMO_MODEL: z.enum(['0', '1']).default('1'),
  EASEL_QUEUE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(32),
  EASEL_WARM_RUNNER: z.enum(['0', '1']).default('1'),
  EASEL_MAX_LOADED_MODELS: z.coerce.number().int().min(1).max(64).default(3),
  EASEL_MEMORY_BUDGET: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return null;
      const bytes = parseByteSize(value);
      if (bytes === null) ctx.addIssue({ code: 'custom', message: `"${value}" is not a size: use bytes or a size such as 12GiB or 8000MB` });
      return bytes;
    }),
  EASEL_KEEP_ALIVE: keepAliveVariable('EASEL_KEEP_ALIVE').default(30 * 60),
  EASEL_KEEP_ALIVE_MAX: keepAliveVariable('EASEL_KEEP_ALIVE_MAX').optional(),
  EASEL_LOAD_TIMEOUT: keepAliveVariable('EASEL_LOAD_TIMEOUT')
    .refine((seconds) => seconds > 0, 'must be a positive duration such as 5m or 90s')
    .default(5 * 60),
  EASEL_PARALLEL_JOBS: z.coerce.number().int().min(1).max(64).optional(),
  EASEL_MAX_BATCH: z.coerce.number().int().min(1).max(16).optional(),
  EASEL_NODE_NAME: z
    .string()
    .regex(/^[\w.:@-]{1,128}$/, 'use letters, digits and . _ : @ - (at most 128)')
    .optional(),
  EASEL_NODE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL the other nodes and the web UI can reach' }).optional(),
  EASEL_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  EASEL_IMAGE_RETENTION: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseRetention(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  EASEL_MIN_FREE_MB: z.coerce.number().int().min(0).max(10_000_000).default(DEFAULT_MIN_FREE_BYTES / (1024 * 1024)),
  DATABASE_URL: z.string().min(1).optional(),
  EASEL_HUB_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of a Hugging Face-compatible hub' }).default('https://huggingface.co'),
  HF_TOKEN: z.string().startsWith('hf_', 'must be a Hugging Face access token (it starts with hf_)').optional(),
});

export interface Config {
  dataDir: string;
  /** Folders models may be registered from; the first is where the demo model is built. */
  modelRoots: string[];
  host: string;
  port: number;
  device: (typeof DEVICES)[number];
  threads: number;
  adminToken: string | null;
  /** EASEL_USER_TOKEN: generate, cancel one's own jobs, read the status and one's own generations. */
  userToken: string | null;
  /** Host names (or host:port) accepted in the Host header besides loopback and the bound address. */
  allowedHosts: string[];
  /** Origins whose web pages may call the server (its own origin always may). */
  allowedOrigins: string[];
  /** Build and register the demo model on first start. */
  demoModel: boolean;
  databaseUrl: string;
  imagesDir: string;
  /** Generation jobs allowed to wait behind the running one. */
  queueLimit: number;
  /** Keep one runner process started ahead of the next load. */
  warmRunner: boolean;
  /** EASEL_MAX_LOADED_MODELS: resident models at most. */
  maxLoadedModels: number;
  /** EASEL_MEMORY_BUDGET in bytes; null: a share of the device's memory, decided at start-up. */
  memoryBudgetBytes: number | null;
  /** Seconds (-1 never, 0 after the last job): EASEL_KEEP_ALIVE and the cap EASEL_KEEP_ALIVE_MAX (null: none). */
  keepAliveSeconds: number;
  keepAliveMaxSeconds: number | null;
  /** EASEL_LOAD_TIMEOUT: a load (or a wait for room) running longer fails. */
  loadTimeoutMs: number;
  /** EASEL_PARALLEL_JOBS: jobs on different models at once; null: 1 on CPU, the model count limit on a GPU. */
  parallelJobs: number | null;
  /** EASEL_MAX_BATCH: images of one model sharing each UNet run; null: by device (GPU 4, CPU 1). */
  maxBatch: number | null;
  /** EASEL_NODE_NAME / EASEL_NODE_URL; null: host:port and http://host:port once the port is known. */
  nodeName: string | null;
  nodeUrl: string | null;
  /** EASEL_HEARTBEAT_MS: how often a node tells the others it is alive; 3 missed beats make it lost. */
  heartbeatMs: number;
  /** Which finished images (and their rows) to keep: EASEL_IMAGE_RETENTION. */
  imageRetention: RetentionPolicy;
  /** New jobs are refused (INSUFFICIENT_STORAGE) when the images folder's disk has less free: EASEL_MIN_FREE_MB. */
  minFreeDiskBytes: number;
  /** The Hugging Face-compatible hub `models.pull` downloads from, without a trailing slash. */
  hubUrl: string;
  /** Sent to the hub for gated or private repositories. */
  hubToken: string | null;
}

/** A server other machines can reach must not be open to all of them: it needs a token to start. */
export function refuseOpenBind(variable: string, host: string, tokens: Readonly<Record<string, string | undefined>>): void {
  if (isLoopbackHost(host) || tokens.EASEL_ADMIN_TOKEN || tokens.EASEL_USER_TOKEN) return;
  throw new Error(
    `Invalid configuration: ${variable}=${host} lets other machines reach Easel, which then needs a token: set EASEL_ADMIN_TOKEN (and EASEL_USER_TOKEN for non-admin users), or keep ${variable} on 127.0.0.1`,
  );
}

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  refuseOpenBind('EASEL_HOST', e.EASEL_HOST, env);
  const dataDir = resolve(e.EASEL_DATA_DIR);
  const modelRoots = (e.EASEL_MODELS_DIR ?? resolve(dataDir, 'models'))
    .split(delimiter)
    .filter((p) => p.length > 0)
    .map((p) => resolve(p));
  return {
    dataDir,
    modelRoots,
    host: e.EASEL_HOST,
    port: e.EASEL_PORT,
    device: e.EASEL_DEVICE,
    threads: e.EASEL_THREADS ?? availableParallelism(),
    adminToken: e.EASEL_ADMIN_TOKEN ?? null,
    userToken: e.EASEL_USER_TOKEN ?? null,
    allowedHosts: parseList(e.EASEL_ALLOWED_HOSTS),
    allowedOrigins: parseList(e.EASEL_ALLOWED_ORIGINS),
    demoModel: e.EASEL_DEMO_MODEL === '1',
    databaseUrl: e.DATABASE_URL ?? `file:${resolve(dataDir, 'easel.db')}`,
    imagesDir: resolve(e.EASEL_IMAGES_DIR ?? resolve(dataDir, 'images')),
    queueLimit: e.EASEL_QUEUE_LIMIT,
    warmRunner: e.EASEL_WARM_RUNNER === '1',
    maxLoadedModels: e.EASEL_MAX_LOADED_MODELS,
    memoryBudgetBytes: e.EASEL_MEMORY_BUDGET,
    keepAliveSeconds: e.EASEL_KEEP_ALIVE,
    keepAliveMaxSeconds: e.EASEL_KEEP_ALIVE_MAX ?? null,
    loadTimeoutMs: e.EASEL_LOAD_TIMEOUT * 1000,
    parallelJobs: e.EASEL_PARALLEL_JOBS ?? null,
    maxBatch: e.EASEL_MAX_BATCH ?? null,
    nodeName: e.EASEL_NODE_NAME ?? null,
    nodeUrl: e.EASEL_NODE_URL ?? null,
    heartbeatMs: e.EASEL_HEARTBEAT_MS,
    imageRetention: e.EASEL_IMAGE_RETENTION,
    minFreeDiskBytes: e.EASEL_MIN_FREE_MB * 1024 * 1024,
    hubUrl: e.EASEL_HUB_URL.replace(/\/+$/, ''),
    hubToken: e.HF_TOKEN ?? null,
  };
}
