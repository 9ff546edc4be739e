import { QRCodeSVG } from 'qrcode.react';
import { usePublicOrigin } from '../../lib/public-url';
import { trpc } from '../../trpc';

const JOIN_CODE_REFRESH_MS = 60_000;

/** The address people join at, from the public address and the tenant's newest join link. */
export function useJoinUrl(tenant: string): string | undefined {
  // Links change without an event; a screen that runs for hours picks up a new or revoked one.
  const code = trpc.tenant.joinCode.useQuery({ tenant }, { refetchInterval: JOIN_CODE_REFRESH_MS });
  const origin = usePublicOrigin();
  if (!code.data || !origin) return undefined;
  return `${origin}/join/${code.data.code}`;
}

/** The address as a person types it: without `https://`. */
export const typedAddress = (url: string) => url.replace(/^https?:\/\//, '');

/** The QR code and, under it, the join address large enough to read from the back of the room. */
export function JoinCode({ url }: { url: string | undefined }) {
  if (!url) return null;
  return (
    <div
      className="flex w-[clamp(12rem,30vh,22rem)] flex-col items-center gap-[1.5vh] rounded-3xl bg-white p-[2vh] text-slate-950"
      data-testid="join-qr"
    >
      <QRCodeSVG value={url} size={320} marginSize={0} title="Join link" className="h-auto w-full" />
      <p className="text-center text-[clamp(1.25rem,3.2vh,2.25rem)] font-bold">Scan to ask</p>
      <p
        className="w-full text-center font-mono text-[clamp(1rem,3vh,2rem)] leading-snug font-semibold wrap-anywhere"
        data-testid="join-address"
      >
        {typedAddress(url)}
      </p>
    </div>
  );
}
