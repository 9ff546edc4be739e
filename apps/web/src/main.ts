const status = document.querySelector<HTMLParagraphElement>('#status');

fetch('/readyz')
  .then((response) => {
    if (status) status.textContent = response.ok ? 'API ready.' : `API not ready (${response.status}).`;
  })
  .catch(() => {
    if (status) status.textContent = 'API unreachable.';
  });
