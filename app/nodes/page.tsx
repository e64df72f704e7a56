// `/nodes`: the GPU servers sharing the database, live.
import type { Metadata } from 'next';
import { NodesPage } from './nodes-page';

export const metadata: Metadata = { title: 'Nodes' };

export default function Page() {
  return <NodesPage />;
}
