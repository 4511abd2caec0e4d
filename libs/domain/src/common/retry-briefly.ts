/**
 * Runs `write` again after short pauses (100 ms, 200 ms, …) when it throws, `attempts` times in all, then rethrows.
 * For recording an outcome that already happened outside the database (an answer sent, a webhook delivered): a
 * database blip — a pool connection terminated, a failover — passes within moments, and giving up at once would
 * make the caller repeat the outside effect.
 */
export async function retryBriefly<T>(write: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}
