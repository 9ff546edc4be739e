export function FrozenBanner() {
  return (
    <div
      role="alert"
      data-testid="frozen-banner"
      className="flex items-start gap-3 rounded-xl bg-sky-50 p-4 text-sky-950 ring-1 ring-sky-200"
    >
      <span aria-hidden className="text-xl">
        ❄
      </span>
      <div>
        <p className="font-semibold">Questions are paused for now</p>
        <p className="text-sm">
          The moderators have paused new questions. You can still upvote the questions below.
        </p>
      </div>
    </div>
  );
}
