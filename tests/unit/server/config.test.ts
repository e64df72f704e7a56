import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';

describe('loadConfig', () => {
  it('uses the embedded defaults: ./data, SQLite inside it, loopback port 4100, auto device', () => {
    const config = loadConfig({});
    const data = resolve('./data');
    expect(config).toMatchObject({
      dataDir: data,
      modelRoots: [resolve(data, 'models')],
      host: '127.0.0.1',
      port: 4100,
      device: 'auto',
      adminToken: null,
      demoModel: true,
      databaseUrl: `file:${resolve(data, 'easel.db')}`,
      imagesDir: resolve(data, 'images'),
      queueLimit: 32,
    });
    expect(config.threads).toBeGreaterThan(0);
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      EASEL_DATA_DIR: '/srv/easel',
      EASEL_MODELS_DIR: '/models/a:/models/b',
      EASEL_PORT: '0',
      EASEL_DEVICE: 'cuda',
      EASEL_THREADS: '3',
      EASEL_ADMIN_TOKEN: 'secret',
      EASEL_DEMO_MODEL: '0',
      EASEL_QUEUE_LIMIT: '5',
      DATABASE_URL: 'postgresql://db/easel',
    });
    expect(config).toMatchObject({
      dataDir: '/srv/easel',
      modelRoots: ['/models/a', '/models/b'],
      port: 0,
      device: 'cuda',
      threads: 3,
      adminToken: 'secret',
      demoModel: false,
      queueLimit: 5,
      databaseUrl: 'postgresql://db/easel',
    });
  });

  it('refuses a bad value, naming the variable', () => {
    expect(() => loadConfig({ EASEL_PORT: '70000' })).toThrow(/EASEL_PORT/);
    expect(() => loadConfig({ EASEL_DEVICE: 'tpu' })).toThrow(/EASEL_DEVICE/);
    expect(() => loadConfig({ EASEL_THREADS: 'many' })).toThrow(/EASEL_THREADS/);
  });
});
