import { openedOnLoopback } from '../lib/public-url';
import { trpc } from '../trpc';

/**
 * Warns an admin that QR codes and links would carry this computer's own address (`localhost`), which no
 * phone in the room can open, until the server is given its public address.
 */
export function PublicUrlWarning() {
  const config = trpc.auth.publicUrl.useQuery();
  if (!config.data || config.data.publicUrl !== null || !openedOnLoopback()) return null;
  return (
    <div
      role="alert"
      data-testid="public-url-warning"
      className="rounded-2xl bg-amber-50 p-4 text-sm text-amber-950 ring-1 ring-amber-300 wrap-anywhere lg:col-span-2"
    >
      <p className="font-semibold">Phones cannot open {window.location.host}</p>
      <p className="mt-1">
        Join links, display links and the display's QR code use the address this page was opened at. Start the
        server with <code className="font-mono">PUBLIC_URL</code> set to the address people reach it at (for
        example <code className="font-mono">PUBLIC_URL=http://192.168.1.20:3000</code>), or open this page at
        that address.
      </p>
    </div>
  );
}
