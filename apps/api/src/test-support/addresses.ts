let addresses = 0;

/** An address no other test of the run calls from (sent as `X-Forwarded-For` to a server trusting loopback). */
export function freshAddress(): string {
  addresses += 1;
  return `10.${Math.floor(addresses / 250) % 250}.${addresses % 250}.${1 + Math.floor(Math.random() * 250)}`;
}
