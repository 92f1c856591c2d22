/**
 * Play, pause, step and scrub the timeline (Raft Scope's controls). In the sim the clock
 * is virtual ("simulated ms", from the cost model); a live run's is the wall clock of this
 * browser ("wall-clock ms"). Every button says what it does: step one event, or go to the
 * start or the end. Key moments appear as ticks on the scrub bar.
 */
interface Props {
  time: number;
  endT: number;
  playing: boolean;
  /** Timeline ms per wall-clock second. */
  speed: number;
  disabled: boolean;
  /** 'simulated ms' or 'wall-clock ms'. */
  unit: string;
  onPlay: () => void;
  onStep: (dir: 1 | -1) => void;
  onSeek: (t: number) => void;
  onSpeed: (s: number) => void;
  /** Ticks on the scrub bar (a key moment, a bad block's read). */
  ticks?: readonly { t: number; label: string; kind: 'key' | 'bad' }[];
}

const SPEEDS = [0.1, 0.5, 1, 5, 20, 100, 1000];

/** Icons as inline SVG: system fonts lack the media-control glyphs (U+23EE…). */
const Icon = ({ d }: { d: string }) => (
  <svg width="12" height="12" viewBox="0 0 14 14" aria-hidden="true"><path d={d} fill="currentColor" /></svg>
);
const START = 'M2 2h2v10H2zM13 2v10L5 7z';
const END = 'M10 2h2v10h-2zM1 2v10l8-5z';
const BACK = 'M10 2v10L3 7z';
const FWD = 'M4 2v10l7-5z';
const PLAY = 'M3 1.5v11l9.5-5.5z';
const PAUSE = 'M3 2h3v10H3zM8 2h3v10H8z';

const fmtSpeed = (s: number) => `${s} ms/s`;

export function Transport({ time, endT, playing, speed, disabled, unit, onPlay, onStep, onSeek, onSpeed, ticks = [] }: Props) {
  const pct = endT > 0 ? Math.min(100, (100 * time) / endT) : 0;
  const shown = Math.min(Math.max(time, 0), endT);
  return (
    <div class="transport" data-testid="transport" role="group" aria-label="Timeline controls">
      <div class="transport-buttons">
        <button type="button" onClick={() => onSeek(0)} disabled={disabled} title="Go to the start (Home)"
          aria-label="Go to the start"><Icon d={START} /> start</button>
        <button type="button" onClick={() => onStep(-1)} disabled={disabled} title="Step back one event (←)"
          aria-label="Step back one event"><Icon d={BACK} /> event</button>
        <button type="button" class="play" onClick={onPlay} disabled={disabled} data-testid="play"
          title="Play / pause (Space)" aria-label={playing ? 'Pause' : 'Play'}><Icon d={playing ? PAUSE : PLAY} /> {playing ? 'pause' : 'play'}</button>
        <button type="button" onClick={() => onStep(1)} disabled={disabled} title="Step forward one event (→)"
          aria-label="Step forward one event" data-testid="step">event <Icon d={FWD} /></button>
        <button type="button" onClick={() => onSeek(endT)} disabled={disabled} title="Go to the end (End)"
          aria-label="Go to the end" data-testid="to-end">end <Icon d={END} /></button>
      </div>
      <div class="scrub-wrap">
        <input type="range" class="scrub" min={0} max={endT} step="any" value={shown} disabled={disabled}
          aria-label={`Scrub time (${unit})`} data-testid="scrub"
          onInput={(e) => onSeek(Number((e.currentTarget as HTMLInputElement).value))}
          style={{ '--pct': `${pct}%` }} />
        {endT > 0 && ticks.map((k) => (
          <span key={`${k.kind}${k.t}`} class={`scrub-tick ${k.kind}`} title={k.label} aria-hidden="true"
            style={{ left: `calc(8px + (100% - 16px) * ${Math.min(1, Math.max(0, k.t / endT))})` }} />
        ))}
      </div>
      <span class="clock" data-testid="clock" title={unit === 'simulated ms' ? 'The sim’s virtual clock, from the cost model' : 'Measured in this browser since the run started'}>
        <b>{shown.toFixed(3)}</b> / {endT.toFixed(3)} <span data-testid="clock-unit">{unit}</span>
      </span>
      <label class="speed" title={`How fast play advances: ${unit} per second of real time`}>
        play at
        <select value={String(speed)} disabled={disabled} data-testid="speed"
          onChange={(e) => onSpeed(Number((e.currentTarget as HTMLSelectElement).value))}>
          {SPEEDS.map((s) => <option key={s} value={String(s)}>{fmtSpeed(s)}</option>)}
        </select>
      </label>
    </div>
  );
}
