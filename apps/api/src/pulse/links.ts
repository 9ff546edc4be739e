/** The page a one-tap link opens: it records `score` for the invitation behind `token`. */
export function linkUrl(baseUrl: string, token: string, score: number): string {
  return `${baseUrl.replace(/\/+$/, '')}/pulse/r/${token}?score=${score}`;
}
