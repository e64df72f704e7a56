// Command-line options of `npm run bench`: --quick (fewer samples, under two minutes), --only <sections>,
// --threads <n> (onnxruntime threads of the runner and the baselines; all cores by default, as the server's).

export interface BenchCliOptions {
  quick: boolean;
  /** Section keys to run; all when empty. */
  only: string[];
  threads?: number;
}

export const USAGE = 'usage: npm run bench [-- --quick] [--only overhead,floor,cache,cluster,batching,api,responsiveness,load,memory,throughput] [--threads <n>]';

export function parseCliOptions(argv: readonly string[], sectionKeys: readonly string[]): BenchCliOptions {
  const options: BenchCliOptions = { quick: false, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!value) throw new Error(`--only needs a comma-separated list of: ${sectionKeys.join(', ')}`);
      for (const key of value.split(',').map((k) => k.trim()).filter(Boolean)) {
        if (!sectionKeys.includes(key)) throw new Error(`unknown section "${key}"; choose from ${sectionKeys.join(', ')}`);
        options.only.push(key);
      }
    } else if (arg === '--threads' || arg.startsWith('--threads=')) {
      const value = Number(arg === '--threads' ? argv[++i] : arg.slice('--threads='.length));
      if (!Number.isInteger(value) || value < 1) throw new Error('--threads needs a positive integer');
      options.threads = value;
    } else throw new Error(`unknown option "${arg}"\n${USAGE}`);
  }
  return options;
}
