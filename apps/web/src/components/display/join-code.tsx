import { QRCodeSVG } from 'qrcode.react';
import { useTranslation } from 'react-i18next';
import { formatMeetingCode } from '../../lib/meetings';
import { usePublicOrigin } from '../../lib/public-url';

/** The address people join a meeting at: the public address and the meeting's code. */
export function useMeetingJoinUrl(code: string): string | undefined {
  const origin = usePublicOrigin();
  return origin ? `${origin}/j/${code}` : undefined;
}

/** The address as a person types it: without `https://`. */
export const typedAddress = (url: string) => url.replace(/^https?:\/\//, '');

/** Lets a long host wrap before the path rather than in the middle of the host or its port. */
function withBreakBeforePath(address: string) {
  const slash = address.indexOf('/');
  if (slash < 0) return address;
  return (
    <>
      {address.slice(0, slash)}
      <wbr />
      {address.slice(slash)}
    </>
  );
}

/** The meeting's code, large enough to read from the back of the room, the QR code and the address. */
export function JoinCode({ url, code }: { url: string | undefined; code: string }) {
  const { t } = useTranslation();
  return (
    <div
      className="flex w-[clamp(12rem,30vh,22rem)] flex-col items-center gap-[1.5vh] rounded-3xl bg-white p-[2vh] text-slate-950"
      data-testid="join-qr"
    >
      <p className="text-center text-[clamp(1rem,2.4vh,1.75rem)] font-semibold">
        {t('present.joinWithCode')}
      </p>
      <p
        className="text-center font-mono text-[clamp(2rem,6vh,4.5rem)] leading-none font-bold tracking-wider"
        data-testid="join-code"
      >
        {formatMeetingCode(code)}
      </p>
      {url && (
        <>
          <QRCodeSVG
            value={url}
            size={320}
            marginSize={0}
            title={t('admin.links.join')}
            className="h-auto w-full"
          />
          <p
            className="w-full text-center font-mono text-[clamp(1rem,3vh,2rem)] leading-snug font-semibold wrap-anywhere"
            data-testid="join-address"
          >
            {withBreakBeforePath(typedAddress(url))}
          </p>
        </>
      )}
    </div>
  );
}
