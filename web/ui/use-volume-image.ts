/**
 * The uploaded volume image the P-VOL starts from. The image
 * is not part of the scenario: a permalink holds the scenario only (an image is too big
 * for a URL), so a shared link runs from the seeded content; the page says so while an
 * image is in use. The bytes go to the sim worker once, transferred, not copied
 * (Comlink.transfer); the page keeps only the File handle, read again (and transferred)
 * if the Compare worker needs the bytes too.
 */
import * as Comlink from 'comlink';
import { useEffect, useState } from 'preact/hooks';
import type { Scenario } from '../../src/scenario/schema.ts';
import { withOverrides } from '../../src/scenario/validate.ts';
import type { SimBridge } from './sim-bridge.ts';
import { checkImage } from './volume-image.ts';

export interface VolumeImage {
  name: string;
  bytes: number;
  blocks: number;
  blockBytes: number;
  /** Changes on every upload, so the run is redone even when the geometry stays the same. */
  rev: number;
  file: Blob;
}

let revs = 0;

export function useVolumeImage(bridge: SimBridge, scenario: Scenario, setScenario: (s: Scenario) => void) {
  const [image, setImage] = useState<VolumeImage | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const { blocks, blockBytes } = scenario.geometry;

  // A scenario whose volume no longer has the image's size (another preset, a link) runs
  // from the seeded content: drop the image, and say why. Declared before the run effect
  // (use-playground.ts), so the worker hears it before the next run starts.
  useEffect(() => {
    if (!image || image.bytes === blocks * blockBytes) return;
    void bridge.api.setImage(null);
    setImage(null);
    setMessage(`The uploaded image ${image.name} (${image.bytes.toLocaleString('en')} bytes) does not fit this scenario's volume `
      + `(${blocks.toLocaleString('en')} × ${blockBytes.toLocaleString('en')} bytes): the run uses the seeded content.`);
  }, [blocks, blockBytes, image]);

  /** Checks the file's size first; only a fitting image changes anything. */
  const load = async (file: File): Promise<void> => {
    const c = checkImage(file.size, blockBytes);
    if (!c.ok) { setMessage(`${file.name} was not loaded: ${c.message}. Nothing changed.`); return; }
    let next: Scenario;
    try {
      next = withOverrides(scenario, { blocks: c.blocks });
    } catch (e) {
      setMessage(`${file.name} was not loaded: ${e instanceof Error ? e.message : String(e)}. Nothing changed.`);
      return;
    }
    const buf = await file.arrayBuffer();
    await bridge.api.setImage(Comlink.transfer(buf, [buf]));
    setMessage(null);
    setImage({ name: file.name, bytes: file.size, blocks: c.blocks, blockBytes, rev: ++revs, file });
    setScenario(next);
  };

  const clear = () => {
    void bridge.api.setImage(null);
    setImage(null);
    setMessage(null);
  };

  /** A fresh copy of the bytes for another worker (Compare), transferred there. */
  const bytesForWorker = async (): Promise<ArrayBuffer | null> => (image ? image.file.arrayBuffer() : null);

  return { image, message, dismiss: () => setMessage(null), load, clear, bytesForWorker };
}
