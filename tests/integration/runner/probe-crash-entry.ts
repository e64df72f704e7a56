// Stand-in runner child for process-runner tests: a webgpu load dies opening its first part, a cpu load succeeds.
import type { LoadedModel } from '../../../server/core/ports.js';
import type { ChildMessage, ParentMessage } from '../../../server/runner/protocol.js';

const MODEL: LoadedModel = {
  sampleSize: 8,
  vaeScaleFactor: 8,
  vaeScalingFactor: 0.18215,
  latentChannels: 4,
  tokenizerMaxLength: 77,
  parts: [],
  hasVaeEncoder: false,
  schedulerConfig: {},
  device: 'cpu',
};

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));
}

process.on('message', async (message: ParentMessage) => {
  if (message.type === 'dispose') process.exit(0);
  if (message.type !== 'load') return;
  await send({ type: 'progress', progress: { part: 'text_encoder', index: 0, count: 3, fraction: 0 } });
  if (message.device === 'webgpu') {
    // What a native crash inside a GPU provider looks like from the parent.
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  await send({ type: 'loaded', model: { ...MODEL, device: message.device === 'cpu' ? 'cpu' : 'cuda' } });
});
