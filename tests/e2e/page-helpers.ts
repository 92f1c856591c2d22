/**
 * What the playground's browser tests share: console errors collected, a page opened and
 * its first run drawn, the on-screen frame caught up with the playhead, page shortcuts
 * pressed with no field focused, screenshots saved as test artifacts, and the checks that
 * no text is cut off.
 */
import { expect, type Page, type TestInfo } from '@playwright/test';

/** Console errors and uncaught page errors: a healthy page has none. */
export function uiErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** Waits until the sim worker has run the scenario on screen. */
export const ready = (page: Page) => expect(page.getByTestId('playground')).toHaveAttribute('data-ready', 'yes', { timeout: 60_000 });

/** Waits until the frame on screen is the one at the playhead (seeks are asynchronous). */
export async function settle(page: Page): Promise<void> {
  const pg = page.getByTestId('playground');
  await expect.poll(async () => {
    const [t, f] = await Promise.all([pg.getAttribute('data-time'), pg.getAttribute('data-frame-t')]);
    return t !== null && t === f;
  }, { timeout: 60_000 }).toBe(true);
}

/** Opens a URL and waits until the sim worker has run the scenario and the first frame is drawn. */
export async function gotoReady(page: Page, url: string): Promise<void> {
  await page.goto(url);
  if (url === 'about:blank') return;
  await ready(page);
  await settle(page);
}

/** Presses a page shortcut with no field focused (keys typed into a field are the field's). */
export async function key(page: Page, k: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press(k);
}

/** Saves a screenshot as a test artifact (test-results/, attached to the report). */
export async function shoot(page: Page, info: TestInfo, name: string, fullPage = true): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage });
  await info.attach(name, { path, contentType: 'image/png' });
}

/**
 * Text that does not fit: HTML elements holding text whose content is wider than their box
 * (and that hide or scroll it), and SVG labels of the timeline and Fig. 1 that leave their
 * drawing or their part's box. Returns one line per offender.
 */
export function cutText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
    for (const el of document.querySelectorAll<HTMLElement>('.playground *, header *')) {
      if (el.closest('svg, .seq, .table-scroll, .hx-dump, .tour')) continue;
      if (!el.textContent?.trim() || el.offsetParent === null) continue;
      const cs = getComputedStyle(el);
      if (cs.overflowX === 'visible' && cs.textOverflow !== 'ellipsis') continue;
      if (el.scrollWidth > el.clientWidth + 1) out.push(`${name(el)} ${el.scrollWidth} > ${el.clientWidth}`);
    }
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth) {
      out.push(`page ${document.documentElement.scrollWidth} > ${document.documentElement.clientWidth}`);
    }
    for (const svg of document.querySelectorAll<SVGSVGElement>('.seq svg')) {
      const w = svg.width.baseVal.value;
      for (const t of svg.querySelectorAll<SVGTextElement>('text')) {
        const b = t.getBBox();
        if (b.width > 0 && (b.x < -0.5 || b.x + b.width > w + 0.5)) out.push(`timeline text "${t.textContent}" x ${b.x.toFixed(1)}–${(b.x + b.width).toFixed(1)} of ${w}`);
      }
    }
    for (const g of document.querySelectorAll<SVGGElement>('.fig1 g[data-part]')) {
      const r = g.querySelector('rect')!.getBBox();
      for (const t of g.querySelectorAll<SVGTextElement>('text')) {
        const b = t.getBBox();
        if (b.x < r.x - 0.5 || b.x + b.width > r.x + r.width + 0.5) out.push(`Fig. 1 part ${g.dataset.part}: "${t.textContent}" wider than its box`);
      }
    }
    return out;
  });
}
