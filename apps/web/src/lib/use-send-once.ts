import { useEffect, useRef } from 'react';

/**
 * Sends an emailed link's request once, after its page loads (a mail scanner that only fetches the link
 * changes nothing); `input` is null while the link holds nothing to send.
 */
export function useSendOnce<T>(send: (input: T) => void, input: T | null): void {
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current || input === null) return;
    sent.current = true;
    send(input);
  }, [send, input]);
}
