import { useTranslation } from 'react-i18next';
export function NotFound() {
  const { t } = useTranslation();
  return (
    <main className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-2xl font-semibold">{t('notFound.title')}</h1>
      <p className="mt-2 text-slate-600">{t('notFound.detail')}</p>
      <a className="mt-4 inline-block text-indigo-700 underline" href="/">
        {t('notFound.home')}
      </a>
    </main>
  );
}
