// Shared by the playground's browser tests: what a healthy page must not show, and when a run is on screen.
import { expect, type Page } from '@playwright/test';

/** Console errors and uncaught page errors: a healthy page has none. */
export function uiErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

/** The sim worker has run the scenario (the playground says so). */
export const ready = (page: Page) => expect(page.getByTestId('playground')).toHaveAttribute('data-ready', 'yes', { timeout: 60_000 });
