// `/admin/history`: the audit log of model state transitions; `?group=node` shows it grouped by node.
import type { Metadata } from 'next';
import { HistoryPage } from './history-page';

export const metadata: Metadata = { title: 'History' };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { group } = await searchParams;
  return <HistoryPage groupByNode={group === 'node'} />;
}
