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

  it('reads the tokens and the allowed hosts and origins', () => {
    const config = loadConfig({ EASEL_USER_TOKEN: 'u', EASEL_ALLOWED_HOSTS: 'Easel.lan, box:8080', EASEL_ALLOWED_ORIGINS: 'https://tools.example/' });
    expect(config).toMatchObject({ userToken: 'u', allowedHosts: ['easel.lan', 'box:8080'], allowedOrigins: ['https://tools.example'] });
  });

  it('refuses a non-loopback address without a token, naming the variables', () => {
    expect(() => loadConfig({ EASEL_HOST: '0.0.0.0' })).toThrow(/EASEL_HOST=0\.0\.0\.0.*EASEL_ADMIN_TOKEN.*EASEL_USER_TOKEN/);
    expect(() => loadConfig({ EASEL_HOST: '192.168.1.5' })).toThrow(/EASEL_ADMIN_TOKEN/);
    expect(loadConfig({ EASEL_HOST: '0.0.0.0', EASEL_USER_TOKEN: 'u' }).host).toBe('0.0.0.0');
    expect(loadConfig({ EASEL_HOST: 'localhost' }).host).toBe('localhost');
  });

  it('reads the hub to pull from and its token', () => {
    expect(loadConfig({})).toMatchObject({ hubUrl: 'https://huggingface.co', hubToken: null });
    expect(loadConfig({ EASEL_HUB_URL: 'http://127.0.0.1:8080/', HF_TOKEN: 'hf_abc' })).toMatchObject({ hubUrl: 'http://127.0.0.1:8080', hubToken: 'hf_abc' });
    expect(() => loadConfig({ EASEL_HUB_URL: 'ftp://hub' })).toThrow(/EASEL_HUB_URL/);
    expect(() => loadConfig({ HF_TOKEN: 'abc' })).toThrow(/HF_TOKEN: .*starts with hf_/);
  });

  it('refuses a bad value, naming the variable', () => {
    expect(() => loadConfig({ EASEL_PORT: '70000' })).toThrow(/EASEL_PORT/);
    expect(() => loadConfig({ EASEL_DEVICE: 'tpu' })).toThrow(/EASEL_DEVICE/);
    expect(() => loadConfig({ EASEL_THREADS: 'many' })).toThrow(/EASEL_THREADS/);
  });
});
