/**
 * A number field that keeps what is being typed until it is committed (Enter, or leaving
 * the field: the change event), then hands the number to `commit`. A plain controlled
 * input loses the typing whenever the page re-renders before the commit (the playground
 * re-renders as a run plays or finishes): Preact writes the old value back into it.
 * `commit` may refuse a number by leaving its value as it is; the field then shows it again.
 */
import { useState } from 'preact/hooks';

interface Props {
  value: number;
  commit: (v: number) => void;
  min?: number;
  max?: number;
  step?: number;
  title?: string;
  style?: Record<string, string>;
  'data-testid'?: string;
}

export function NumberInput({ value, commit, ...rest }: Props) {
  const [draft, setDraft] = useState<string | null>(null);
  return (
    <input type="number" {...rest} value={draft ?? value}
      onInput={(e) => setDraft(e.currentTarget.value)}
      onChange={(e) => {
        setDraft(null);
        commit(Number(e.currentTarget.value));
      }} />
  );
}
