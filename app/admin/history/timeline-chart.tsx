// Per-model timeline of the states each model spent time in (plain SVG), with the totals as a table; grouped by
// node, one lane per model on each node. Each transition row closes a span of its "from" state that lasted
// durationMs, so the chart is right for any filtered subset of the log; idle time belongs to no model and is left out.
'use client';
import { useCallback, useRef, useState } from 'react';
import type { ModelStatus, Transition } from '../../_lib/trpc';
import { formatDuration, formatTime } from '../../_lib/format';

const STATES = ['LOADING', 'LOADED', 'UNLOADING', 'ERROR'] as const;
type BusyState = (typeof STATES)[number];

const COLOURS: Record<BusyState, string> = { LOADING: 'var(--loading)', LOADED: 'var(--loaded)', UNLOADING: 'var(--unloading)', ERROR: 'var(--error)' };

interface Span {
  /** The model, or "node · model" when grouped by node. */
  lane: string;
  state: BusyState;
  start: number;
  end: number;
}

function isBusy(state: string): state is BusyState {
  return (STATES as readonly string[]).includes(state);
}

/** Lanes by node: the node's rows kept apart, since one model may be loaded on several nodes at once. */
interface ByNode {
  /** The node whose status `current` is, whose residents extend its lanes; null until known, leaving them out. */
  currentNode: string | null;
}

function laneOf(model: string, node: string | null, byNode: ByNode | undefined): string {
  return byNode ? `${node ?? 'no node'} · ${model}` : model;
}

function spansOf(rows: readonly Transition[], current: ModelStatus | undefined, now: number, byNode: ByNode | undefined): Span[] {
  const spans: Span[] = [];
  for (const r of rows) {
    if (!isBusy(r.from) || r.modelId === null || r.durationMs === null) continue;
    spans.push({ lane: laneOf(r.modelId, r.node, byNode), state: r.from, start: r.at.getTime() - r.durationMs, end: r.at.getTime() });
  }
  if (byNode?.currentNode === null) return spans;
  for (const resident of current?.models ?? []) {
    if (!isBusy(resident.state)) continue;
    spans.push({ lane: laneOf(resident.modelId, byNode?.currentNode ?? null, byNode), state: resident.state, start: resident.since.getTime(), end: now });
  }
  return spans;
}

/** Drawn at the width it is shown at, so its text stays at its real size (about 7 px when an 800-wide chart shrank to a phone). */
const DEFAULT_WIDTH = 800;
/** Narrower than this, each model's name sits above its lane instead of beside it. */
const STACKED_BELOW = 520;
const LANE = 20;
const AXIS = 24;

/** A callback ref: the chart's box appears only once there is something to draw, after the first render. */
function useWidth(): [(element: HTMLDivElement | null) => void, number] {
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  const observer = useRef<ResizeObserver | null>(null);
  const ref = useCallback((element: HTMLDivElement | null) => {
    observer.current?.disconnect();
    observer.current = null;
    if (!element) return;
    observer.current = new ResizeObserver(([entry]) => entry && setWidth(Math.max(200, Math.floor(entry.contentRect.width))));
    observer.current.observe(element);
  }, []);
  return [ref, width];
}

interface Props {
  rows: readonly Transition[];
  current: ModelStatus | undefined;
  now: number;
  byNode?: ByNode | undefined;
}

export function TimelineChart({ rows, current, now, byNode }: Props) {
  const [box, WIDTH] = useWidth();
  const spans = spansOf(rows, current, now, byNode);
  if (spans.length === 0) return <p className="muted">No time spent loading, loaded or unloading in the transitions shown.</p>;
  const stacked = WIDTH < STACKED_BELOW;
  const LABEL = stacked ? 0 : 140;
  const ROW = stacked ? LANE + 26 : LANE + 8;
  const laneTop = stacked ? 20 : 4;
  const labelChars = stacked ? Math.floor(WIDTH / 8) : 18;
  const lanes = [...new Set(spans.map((s) => s.lane))].sort();
  const t0 = Math.min(...spans.map((s) => s.start));
  const t1 = Math.max(...spans.map((s) => s.end), t0 + 1000);
  const x = (t: number) => LABEL + ((t - t0) / (t1 - t0)) * (WIDTH - LABEL - 8);
  const height = lanes.length * ROW + AXIS;
  const ticks = (stacked ? [0, 0.5, 1] : [0, 0.25, 0.5, 0.75, 1]).map((f) => t0 + f * (t1 - t0));
  const totals = lanes.map((lane) => ({
    lane,
    byState: STATES.map((state) => spans.filter((s) => s.lane === lane && s.state === state).reduce((sum, s) => sum + (s.end - s.start), 0)),
  }));

  return (
    <figure className="timeline">
      <div className="chart-box" ref={box}>
        <svg viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} role="img" aria-labelledby="timeline-title" className="timeline-svg">
          <title id="timeline-title">
            Time each model spent in each state{byNode ? ' on each node' : ''}, from {formatTime(new Date(t0))} to {formatTime(new Date(t1))}
          </title>
          {lanes.map((lane, i) => (
            <g key={lane} transform={`translate(0 ${i * ROW})`}>
              <text x={0} y={stacked ? 14 : laneTop + LANE / 2 + 4} className="timeline-label">
                <title>{lane}</title>
                {lane.length > labelChars ? `${lane.slice(0, labelChars - 1)}…` : lane}
              </text>
              <rect x={LABEL} y={laneTop} width={WIDTH - LABEL - 8} height={LANE} className="timeline-lane" />
              {spans
                .filter((s) => s.lane === lane)
                .map((s, j) => (
                  <rect key={j} x={x(s.start)} y={laneTop} width={Math.max(1.5, x(s.end) - x(s.start))} height={LANE} fill={COLOURS[s.state]}>
                    <title>{`${lane}: ${s.state} for ${formatDuration(s.end - s.start)} from ${formatTime(new Date(s.start))}`}</title>
                  </rect>
                ))}
            </g>
          ))}
          {ticks.map((t, i) => (
            <text key={t} x={x(t)} y={height - 6} className="timeline-tick" textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}>
              {new Date(t).toLocaleTimeString()}
            </text>
          ))}
        </svg>
      </div>
      <figcaption>
        <ul className="legend" aria-label="Legend">
          {STATES.map((s) => (
            <li key={s}>
              <span className="swatch" style={{ background: COLOURS[s] }} aria-hidden="true" /> {s}
            </li>
          ))}
        </ul>
      </figcaption>
      <div className="table-scroll">
        <table className="totals">
          <caption>Time in each state</caption>
          <thead>
            <tr>
              <th scope="col">{byNode ? 'Node · model' : 'Model'}</th>
              {STATES.map((s) => (
                <th key={s} scope="col">
                  {s}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {totals.map((t) => (
              <tr key={t.lane}>
                <th scope="row">{t.lane}</th>
                {t.byState.map((ms, i) => (
                  <td key={STATES[i]}>{ms > 0 ? formatDuration(ms) : '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
