// /api/trpc/* on the web origin → /trpc/* on the GPU server: queries, mutations and event streams.
import { forward } from '../../../_lib/gpu-server';

export const dynamic = 'force-dynamic';

function handle(request: Request): Promise<Response> {
  // The raw path keeps tRPC's batch separators (",") exactly as the client wrote them.
  const { pathname } = new URL(request.url);
  return forward(request, pathname.replace(/^\/api\/trpc/, '/trpc'));
}

export { handle as GET, handle as POST };
