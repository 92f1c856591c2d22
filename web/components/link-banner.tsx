/**
 * A link that could not be opened: the reason, the link as it was pasted (it stays in the
 * address bar too, so nothing is lost), and a way back to the default scenario's link.
 */
interface Props { message: string; hash: string | null; onReset: () => void; onDismiss: () => void }

/** Long pasted links are shown cut to this many characters (the address bar keeps them whole). */
const SHOWN = 160;

export function LinkBanner({ message, hash, onReset, onDismiss }: Props) {
  return (
    <div class="banner" role="alert" data-testid="link-error">
      {message}
      {hash && (
        <p class="bad-link">
          The link you opened (still in the address bar):{' '}
          <code data-testid="bad-hash" title={hash.length > SHOWN ? `${hash.length.toLocaleString('en')} characters` : undefined}>
            {hash.length > SHOWN ? `${hash.slice(0, SHOWN)}…` : hash}
          </code>
        </p>
      )}
      <div class="row">
        <button type="button" onClick={onReset} data-testid="reset-link">Reset to the default link</button>
        <button type="button" class="link" onClick={onDismiss}>dismiss</button>
      </div>
    </div>
  );
}
