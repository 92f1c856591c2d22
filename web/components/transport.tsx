/**
 * Play, pause, step and scrub the sim timeline (as Raft Scope's controls do). Time is the
 * sim's virtual clock; seeking anywhere shows the state then. In the live runtime there is
 * nothing to scrub: the bar only shows the clock.
 */
interface Props {
  time: number;
  endT: number;
  playing: boolean;
  /** Virtual ms per wall-clock second. */
  speed: number;
  disabled: boolean;
  onPlay: () => void;
  onStep: (dir: 1 | -1) => void;
  onSeek: (t: number) => void;
  onSpeed: (s: number) => void;
}

const SPEEDS = [0.1, 0.5, 1, 5, 20, 100];

/** Icons as inline SVG: system fonts lack the media-control glyphs (U+23EE…). */
const Icon = ({ d }: { d: string }) => (
  <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true"><path d={d} fill="currentColor" /></svg>
);
const BACK = 'M2 2h2v10H2zM12 2v10L5 7z';
const FWD = 'M10 2h2v10h-2zM2 2v10l7-5z';
const PLAY = 'M3 1.5v11l9.5-5.5z';
const PAUSE = 'M3 2h3v10H3zM8 2h3v10H8z';

export function Transport({ time, endT, playing, speed, disabled, onPlay, onStep, onSeek, onSpeed }: Props) {
  const pct = endT > 0 ? Math.min(100, (100 * time) / endT) : 0;
  return (
    <div class="transport" data-testid="transport" role="group" aria-label="Timeline controls">
      <button type="button" onClick={() => onStep(-1)} disabled={disabled} title="Step back one event (←)"
        aria-label="Step back"><Icon d={BACK} /></button>
      <button type="button" class="play" onClick={onPlay} disabled={disabled} data-testid="play"
        title="Play / pause (Space)" aria-label={playing ? 'Pause' : 'Play'}><Icon d={playing ? PAUSE : PLAY} /></button>
      <button type="button" onClick={() => onStep(1)} disabled={disabled} title="Step one event (→)"
        aria-label="Step forward" data-testid="step"><Icon d={FWD} /></button>
      <input type="range" class="scrub" min={0} max={endT} step="any" value={time} disabled={disabled}
        aria-label="Scrub time" data-testid="scrub"
        onInput={(e) => onSeek(Number((e.currentTarget as HTMLInputElement).value))}
        style={{ '--pct': `${pct}%` }} />
      <span class="clock" data-testid="clock">
        <b>{time.toFixed(3)}</b> / {endT.toFixed(3)} ms
      </span>
      <label class="speed">
        speed
        <select value={String(speed)} disabled={disabled}
          onChange={(e) => onSpeed(Number((e.currentTarget as HTMLSelectElement).value))}>
          {SPEEDS.map((s) => <option key={s} value={String(s)}>{s} ms/s</option>)}
        </select>
      </label>
    </div>
  );
}
