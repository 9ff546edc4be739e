export function NotFound() {
  return (
    <main className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-600">There is nothing at this address.</p>
      <a className="mt-4 inline-block text-indigo-700 underline" href="/">
        Go to your organizations
      </a>
    </main>
  );
}
