// /images/<id>.png on the web origin → the GPU server's generated images.
import { forward } from '../../_lib/gpu-server';

export const dynamic = 'force-dynamic';

export function GET(request: Request): Promise<Response> {
  return forward(request, new URL(request.url).pathname);
}
