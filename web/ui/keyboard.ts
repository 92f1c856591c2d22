/**
 * Keyboard shortcuts for the main actions (as Raft Scope binds a key to every control).
 * One table, read by the help dialog and by the key handler.
 */
export type ShortcutAction =
  | 'play' | 'step' | 'back' | 'split' | 'backup' | 'resync' | 'poll' | 'create'
  | 'compare' | 'share' | 'help' | 'home' | 'end' | 'runtime' | 'tour';

export interface Shortcut { key: string; label: string; what: string; action: ShortcutAction }

export const SHORTCUTS: readonly Shortcut[] = [
  { key: ' ', label: 'Space', what: 'play / pause the sim timeline', action: 'play' },
  { key: 'ArrowRight', label: '→', what: 'step forward one event', action: 'step' },
  { key: 'ArrowLeft', label: '←', what: 'step back one event', action: 'back' },
  { key: 'Home', label: 'Home', what: 'seek to the start', action: 'home' },
  { key: 'End', label: 'End', what: 'seek to the end', action: 'end' },
  { key: 'p', label: 'P', what: 'create pair at the playhead', action: 'create' },
  { key: 's', label: 'S', what: 'split at the playhead', action: 'split' },
  { key: 'b', label: 'B', what: 'backup (EXTENDED COPY) at the playhead', action: 'backup' },
  { key: 'r', label: 'R', what: 'resync at the playhead', action: 'resync' },
  { key: 'o', label: 'O', what: 'poll (RECEIVE COPY RESULTS) at the playhead', action: 'poll' },
  { key: 'c', label: 'C', what: 'compare: run the scenario in every mode', action: 'compare' },
  { key: 'v', label: 'V', what: 'switch the runtime: Sim / Live', action: 'runtime' },
  { key: 'l', label: 'L', what: 'copy the share link', action: 'share' },
  { key: 't', label: 'T', what: 'open the guided tour', action: 'tour' },
  { key: '?', label: '?', what: 'help: glossary, about the patent, these keys', action: 'help' },
];

/** The action for a key event, or null (typing in a field, or a modifier held). */
export function actionFor(e: KeyboardEvent): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const t = e.target as HTMLElement | null;
  const tag = t?.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t?.isContentEditable) return null;
  // Space on a focused button already clicks it: do not also toggle play.
  if (e.key === ' ' && (tag === 'BUTTON' || tag === 'SUMMARY')) return null;
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  return SHORTCUTS.find((s) => s.key === k)?.action ?? null;
}
