/**
 * The guided tour's panel (steps in web/ui/tour.ts, state in web/ui/use-tour.ts): a
 * non-modal dialog beside the picture, so the parts it talks about stay in view and light
 * up (data-tour-target, styled in styles.css). Keyboard: ← → and Enter move, Esc closes;
 * focus goes to the step's title and back to where it was when the tour closes. On a wide
 * screen the panel takes the corner that hides the least of the highlighted parts; on a
 * narrow one it is a sheet at the bottom and the first part scrolls to the top.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { TOUR, type TourCtx } from '../ui/tour.ts';
import type { useTour } from '../ui/use-tour.ts';

interface Props { tour: ReturnType<typeof useTour>; ctx: TourCtx | null }

const NARROW = 700;
type Corner = 'br' | 'bl' | 'tr' | 'tl' | 'sheet';

/** The corner whose panel-sized box overlaps the targets least (ties: bottom right first). */
function bestCorner(targets: DOMRect[], pw: number, ph: number): Corner {
  const W = innerWidth, H = innerHeight, m = 12;
  const boxes: [Corner, number, number][] = [['br', W - pw - m, H - ph - m], ['bl', m, H - ph - m], ['tr', W - pw - m, m], ['tl', m, m]];
  let best: Corner = 'br', least = Infinity;
  for (const [c, x, y] of boxes) {
    let o = 0;
    for (const r of targets) {
      const w = Math.min(x + pw, r.right) - Math.max(x, r.left), h = Math.min(y + ph, r.bottom) - Math.max(y, r.top);
      if (w > 0 && h > 0) o += w * h;
    }
    if (o < least) { least = o; best = c; }
  }
  return best;
}

/** Paragraphs, with runs of "• " items as one list. */
function paragraphs(body: string[]) {
  const out = [];
  for (let i = 0; i < body.length; i++) {
    if (!body[i].startsWith('• ')) { out.push(<p key={i}>{body[i]}</p>); continue; }
    const items = [];
    for (; i < body.length && body[i].startsWith('• '); i++) items.push(<li key={i}>{body[i].slice(2)}</li>);
    i--;
    out.push(<ul key={`u${i}`}>{items}</ul>);
  }
  return out;
}

export function Tour({ tour, ctx }: Props) {
  const { step, applied } = tour;
  const panel = useRef<HTMLElement>(null);
  const title = useRef<HTMLHeadingElement>(null);
  const returnTo = useRef<Element | null>(null);
  const marked = useRef<Element[]>([]);
  const [corner, setCorner] = useState<Corner>('br');
  const [targetsRev, setTargetsRev] = useState(0);
  const st = step === null ? null : TOUR[step];
  const ready = step !== null && applied === step && ctx !== null;

  // Keys: ← → Enter move, Esc closes (fields and buttons keep their own keys).
  useEffect(() => {
    if (step === null) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      // A modal dialog (Help) keeps its own keys: Esc closes it, not the tour.
      if (document.querySelector('dialog[open]')) return;
      const tag = (e.target as HTMLElement | null)?.tagName;
      if (tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA') return;
      if (e.key === 'Escape') tour.close();
      else if (e.key === 'ArrowRight' || (e.key === 'Enter' && tag !== 'BUTTON' && tag !== 'A')) tour.next();
      else if (e.key === 'ArrowLeft') tour.prev();
      else return;
      e.preventDefault();
      e.stopImmediatePropagation();
    };
    // Capture phase: the playground's own keys (← → step the timeline) must not also act.
    addEventListener('keydown', onKey, true);
    return () => removeEventListener('keydown', onKey, true);
  }, [step === null]);

  // Focus: remembered when the tour opens, the title on each step, given back on close.
  useEffect(() => {
    if (step === null) {
      const back = returnTo.current as HTMLElement | null;
      returnTo.current = null;
      if (back && document.contains(back)) back.focus();
      return;
    }
    if (!returnTo.current) returnTo.current = document.activeElement;
    title.current?.focus({ preventScroll: true });
  }, [step]);

  // Highlight the step's targets once its moment is on screen; re-applied after every
  // render (rows of the timeline are redrawn as it scrolls).
  useLayoutEffect(() => {
    const want = ready && st ? st.targets.flatMap((sel) => [...document.querySelectorAll(sel)]) : [];
    const before = marked.current;
    for (const el of before) if (!want.includes(el)) el.removeAttribute('data-tour-target');
    for (const el of want) el.setAttribute('data-tour-target', '');
    marked.current = want;
    // A target drawn later (a timeline row once its window scrolled there) moves the panel.
    if (want.length !== before.length || want.some((el, i) => el !== before[i])) setTargetsRev((r) => r + 1);
  });
  useEffect(() => () => marked.current.forEach((el) => el.removeAttribute('data-tour-target')), []);

  // Bring the first target into view: once per step, and again if another element becomes
  // the first (Compare's table appears when every mode has run).
  const scrolledTo = useRef<Element | null>(null);
  useEffect(() => {
    if (!ready || !st) { scrolledTo.current = null; return; }
    const first = marked.current[0] as HTMLElement | undefined;
    if (!first || first === scrolledTo.current) return;
    scrolledTo.current = first;
    if (innerWidth < NARROW) scrollTo({ top: first.getBoundingClientRect().top + scrollY - 8 });
    else first.scrollIntoView({ block: 'nearest' });
  }, [ready, step, targetsRev]);

  // Put the panel where it hides the least of what is lit (a sheet on a phone).
  useEffect(() => {
    if (!ready || !panel.current) return;
    if (innerWidth < NARROW) { setCorner('sheet'); return; }
    const p = panel.current.getBoundingClientRect();
    setCorner(bestCorner(marked.current.map((e) => e.getBoundingClientRect()), p.width, p.height));
  }, [ready, step, targetsRev]);

  if (step === null || !st) return null;
  const last = step === TOUR.length - 1;
  const body = ready ? st.body(ctx!) : ['Loading this step’s run…'];
  return (
    <section ref={panel} class={`tour tour-${corner}`} role="dialog" aria-modal="false" aria-labelledby="tour-title"
      data-testid="tour" data-step={step + 1} data-ready={String(ready)}>
      <p class="tour-count">Tour · step {step + 1} of {TOUR.length}</p>
      <h2 id="tour-title" ref={title} tabIndex={-1}>{st.title}</h2>
      <div class="tour-body" data-testid="tour-body">
        {paragraphs(body)}
      </div>
      <div class="tour-nav">
        <button type="button" onClick={tour.prev} disabled={step === 0} data-testid="tour-back">◂ Back</button>
        <button type="button" class="primary" onClick={tour.next} data-testid="tour-next">{last ? 'Finish' : 'Next ▸'}</button>
        <button type="button" class="link" onClick={tour.close} data-testid="tour-close">{last ? 'Close' : 'Skip the tour'}</button>
      </div>
      <p class="tour-keys">← → or Enter to move · Esc to close · reopen it with T or the Tour button</p>
    </section>
  );
}
