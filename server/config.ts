// Environment variables, parsed and validated once at start-up; a bad value stops the server with a message
// naming the variable.
import { delimiter, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const DEVICES = ['cpu', 'cuda', 'webgpu', 'auto'] as const;

const schema = z.object({
  EASEL_DATA_DIR: z.string().min(1).default('./data'),
  EASEL_MODELS_DIR: z.string().min(1).optional(),
  EASEL_HOST: z.string().min(1).default('127.0.0.1'),
  EASEL_PORT: z.coerce.number().int().min(0).max(65535).default(4100),
  EASEL_DEVICE: z.enum(DEVICES).default('auto'),
  EASEL_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  EASEL_ADMIN_TOKEN: z.string().min(1).optional(),
  EASEL_DEMO_MODEL: z.enum(['0', '1']).default('1'),
  EASEL_QUEUE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(32),
  EASEL_WARM_RUNNER: z.enum(['0', '1']).default('1'),
  DATABASE_URL: z.string().min(1).optional(),
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
  /** Build and register the demo model on first start. */
  demoModel: boolean;
  databaseUrl: string;
  imagesDir: string;
  /** Generation jobs allowed to wait behind the running one. */
  queueLimit: number;
  /** Keep one runner process started ahead of the next load. */
  warmRunner: boolean;
}

export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
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
    demoModel: e.EASEL_DEMO_MODEL === '1',
    databaseUrl: e.DATABASE_URL ?? `file:${resolve(dataDir, 'easel.db')}`,
    imagesDir: resolve(dataDir, 'images'),
    queueLimit: e.EASEL_QUEUE_LIMIT,
    warmRunner: e.EASEL_WARM_RUNNER === '1',
  };
}
