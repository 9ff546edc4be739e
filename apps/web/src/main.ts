const statusLine = document.querySelector<HTMLParagraphElement>('#status');

fetch('/readyz')
  .then((response) => {
    if (statusLine)
      statusLine.textContent = response.ok ? 'API ready.' : `API not ready (${response.status}).`;
  })
  .catch(() => {
    if (statusLine) statusLine.textContent = 'API unreachable.';
  });
