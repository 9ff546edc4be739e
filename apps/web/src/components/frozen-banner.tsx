import { useTranslation } from 'react-i18next';
export function FrozenBanner() {
  const { t } = useTranslation();
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
        <p className="font-semibold">{t('frozen.title')}</p>
        <p className="text-sm">{t('frozen.detail')}</p>
      </div>
    </div>
  );
}
