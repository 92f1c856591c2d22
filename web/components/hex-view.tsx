/**
 * Bytes beside their decoded fields, so each command is shown as the bytes it is on the
 * wire: a 16-byte-per-row hex dump and a field table; hovering or focusing a field
 * highlights its bytes, so the layouts of docs/scsi.md can be read off the wire.
 */
import { useState } from 'preact/hooks';
import type { HexField } from '../ui/scsi-fields.ts';

interface Props {
  title: string;
  bytes: Uint8Array;
  fields: readonly HexField[];
  testId?: string;
}

const hex2 = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');

export function HexView({ title, bytes, fields, testId }: Props) {
  const [hot, setHot] = useState<number | null>(null);
  const owner = new Int16Array(bytes.length).fill(-1);
  fields.forEach((f, i) => {
    for (let k = f.offset; k < f.offset + f.length && k < bytes.length; k++) if (owner[k] < 0) owner[k] = i;
  });
  const rows = [];
  for (let r = 0; r < bytes.length; r += 16) {
    const cells = [];
    for (let k = r; k < Math.min(r + 16, bytes.length); k++) {
      const f = owner[k];
      cells.push(
        <span key={k} class={`hx-b${f >= 0 && f === hot ? ' hot' : ''}${f < 0 ? ' unowned' : ''}`}
          onMouseEnter={() => setHot(f >= 0 ? f : null)}>{hex2(bytes[k])}</span>,
      );
    }
    rows.push(
      <div class="hx-row" key={r}>
        <span class="hx-off">{r.toString(16).padStart(4, '0')}</span>
        {cells}
      </div>,
    );
  }
  return (
    <section class="hexview" data-testid={testId} aria-label={title}>
      <h4>{title} <span class="muted">({bytes.length} bytes)</span></h4>
      <div class="hx-grid">
        <div class="hx-dump" onMouseLeave={() => setHot(null)} data-hex={Array.from(bytes, hex2).join('')}>
          {rows.length ? rows : <span class="muted">no bytes</span>}
        </div>
        <table class="hx-fields">
          <tbody>
            {fields.map((f, i) => (
              <tr key={i} class={i === hot ? 'hot' : ''} tabIndex={0}
                onMouseEnter={() => setHot(i)} onMouseLeave={() => setHot(null)}
                onFocus={() => setHot(i)} onBlur={() => setHot(null)}>
                <td class="hx-at">{f.length > 1 ? `${f.offset}–${f.offset + f.length - 1}` : f.offset}</td>
                <td>{f.name}</td>
                <td class="hx-val">{f.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
