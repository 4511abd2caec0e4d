import { GroupCommit } from './group-commit.js';

/** A write whose completion the test controls, recording the batches it was given. */
function controlledWrite(refuse: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const write = (items: number[]) => {
    batches.push(items);
    return new Promise<void>((resolve, reject) => releases.push(() => (items.some(refuse) ? reject(new Error(`refused ${items.join(',')}`)) : resolve())));
  };
  const releaseAll = async () => {
    for (let i = 0; i < 20 && releases.length; i++) {
      releases.splice(0).forEach((r) => r());
      await new Promise((r) => setImmediate(r));
    }
  };
  return { batches, write, releaseAll };
}

describe('GroupCommit', () => {
  it('writes a lone item at once, and the items that arrive during a flush together in the next one', async () => {
    const w = controlledWrite();
    const gc = new GroupCommit(w.write);
    const first = gc.submit(1);
    expect(w.batches).toEqual([[1]]); // no timer: flushed synchronously on submit
    const later = [2, 3, 4].map((n) => gc.submit(n));
    expect(w.batches).toHaveLength(1); // they wait for the flush in flight
    await w.releaseAll();
    await Promise.all([first, ...later]);
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('splits a backlog into batches of at most maxBatch, in arrival order', async () => {
    const w = controlledWrite();
    const gc = new GroupCommit(w.write, 2);
    const all = [1, 2, 3, 4, 5].map((n) => gc.submit(n));
    await w.releaseAll();
    await Promise.all(all);
    expect(w.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('fails only the item the write refuses: a failed batch is retried one item at a time', async () => {
    const w = controlledWrite((n) => n === 3);
    const gc = new GroupCommit(w.write);
    const first = gc.submit(1);
    const rest = [2, 3, 4].map((n) => gc.submit(n));
    const settled = Promise.allSettled([first, ...rest]);
    await w.releaseAll();
    const outcomes = await settled;
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason.message).toBe('refused 3');
    expect(w.batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('keeps working after a failure', async () => {
    const w = controlledWrite((n) => n === 1);
    const gc = new GroupCommit(w.write);
    const failed = expect(gc.submit(1)).rejects.toThrow('refused 1');
    await w.releaseAll();
    await failed;
    const ok = gc.submit(2);
    await w.releaseAll();
    await expect(ok).resolves.toBeUndefined();
  });
});
