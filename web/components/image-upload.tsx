/**
 * Upload of a volume image to start from (on the Verdict tab): a file input and a drop
 * zone for a raw image that becomes the P-VOL 601 at t = 0 (and the S-VOL 602 mirror when
 * the pair starts duplex). The check happens before anything changes (volume-image.ts);
 * while an image is in use the page says so, and that a shared link, which cannot hold the
 * image, runs from the seeded content instead.
 */
import { useState } from 'preact/hooks';
import { LIMITS } from '../../src/scenario/schema.ts';
import type { VolumeImage } from '../ui/use-volume-image.ts';

interface Props {
  image: VolumeImage | null;
  message: string | null;
  blockBytes: number;
  onFile: (f: File) => void;
  onClear: () => void;
  onDismiss: () => void;
}

export function ImageUpload({ image, message, blockBytes, onFile, onClear, onDismiss }: Props) {
  const [over, setOver] = useState(false);
  const take = (files: FileList | null | undefined) => { const f = files?.[0]; if (f) onFile(f); };
  return (
    <div class={`image-upload${over ? ' over' : ''}`} data-testid="image-drop"
      onDragOver={(e) => { e.preventDefault(); setOver(true); }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => { e.preventDefault(); setOver(false); take(e.dataTransfer?.files); }}>
      <label class="image-pick">
        <span>Start from a volume image</span>
        <input type="file" data-testid="image-input" aria-describedby="image-rules"
          onChange={(e) => { const el = e.currentTarget as HTMLInputElement; take(el.files); el.value = ''; }} />
      </label>
      <span id="image-rules" class="muted">
        or drop a raw file here: whole {blockBytes.toLocaleString('en')}-byte blocks, at most {(LIMITS.maxVolumeBytes / 2 ** 20).toLocaleString('en')} MiB
      </span>
      {image && (
        <p class="image-status" data-testid="image-status" role="status">
          This run starts from the uploaded image <b>{image.name}</b> ({image.blocks.toLocaleString('en')} blocks ×{' '}
          {image.blockBytes.toLocaleString('en')} bytes). A shared link holds the scenario only: it runs from the seeded content instead.{' '}
          <button type="button" class="link" onClick={onClear} data-testid="image-clear">use the seeded content</button>
        </p>
      )}
      {message && (
        <p class="image-error" role="alert" data-testid="image-error">
          {message} <button type="button" class="link" onClick={onDismiss}>dismiss</button>
        </p>
      )}
    </div>
  );
}
