/** Node-only: writes the tape 303's AWSTAPE image for `splitstream scsi --tape-out file.aws`. */
import { writeFile } from 'node:fs/promises';

export async function writeTapeFile(path: string, bytes: Uint8Array): Promise<void> {
  await writeFile(path, bytes);
}
