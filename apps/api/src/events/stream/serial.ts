/**
 * Runs `task` one at a time: a request made while it runs makes it run once more afterwards, so a
 * burst of requests costs at most two runs and none is lost.
 */
export function serialized(task: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const run = async () => {
    running = true;
    try {
      do {
        again = false;
        await task();
      } while (again);
    } finally {
      running = false;
    }
  };
  return () => {
    if (running) again = true;
    else void run();
  };
}
