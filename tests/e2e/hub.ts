// The hub the e2e stack pulls from (EASEL_HUB_URL): the demo model as "easel/demo", and as "easel/stalled",
// whose first transfer of the text encoder stops midway and waits, so a pull stays in flight until cancelled.
import { join } from 'node:path';
import { buildDemoModel } from '../../server/demo-model/index.js';
import { startHubServer, type HubServer } from '../helpers/hub-server.js';

export async function startE2eHub(dataDir: string): Promise<HubServer> {
  const demo = join(dataDir, 'hub', 'demo');
  await buildDemoModel(demo);
  const hub = await startHubServer();
  await hub.addRepo('easel/demo', demo);
  await hub.addRepo('easel/stalled', demo);
  hub.hold('easel/stalled', 'text_encoder/model.onnx', 20_000);
  return hub;
}
