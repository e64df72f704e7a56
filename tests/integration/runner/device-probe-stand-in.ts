// Stand-in for device-probe-entry.ts: the CUDA probe dies noisily (as a native crash would), WebGPU works.
if (process.argv[2] === 'cuda') {
  process.stderr.write('libonnxruntime_providers_shared.so: cannot open shared object file\n');
  process.exit(3);
}
process.send?.({ ok: true }, undefined, undefined, () => process.exit(0));
