'use client';
// Every unfinished job of every tab (generate.onJobs), and the gallery kept current: when a job leaves the list
// it has ended, wherever it was started, so the history queries are refreshed.
import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useRef, useState } from 'react';
import { useTRPC, type ActiveJob } from './trpc';

export function useLiveJobs(): ActiveJob[] {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [jobs, setJobs] = useState<ActiveJob[]>([]);
  const previous = useRef<Set<string>>(new Set());
  useSubscription(
    trpc.generate.onJobs.subscriptionOptions(undefined, {
      onData(next) {
        const ids = new Set(next.map((job) => job.id));
        if ([...previous.current].some((id) => !ids.has(id))) void queryClient.invalidateQueries(trpc.history.generations.pathFilter());
        previous.current = ids;
        setJobs(next);
      },
    }),
  );
  return jobs;
}
