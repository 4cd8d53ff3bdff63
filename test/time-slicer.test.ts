/** TimeSlicer: one slice budget per turn of the event loop for the whole process, paused work resumed in turn. */
import { describe, expect, it } from 'vitest';
import { SLICE_MS, TimeSlicer } from '../src/clock.ts';

/** Hold the event loop for `ms` (synchronous work). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

/** Let the event loop wait for I/O (a timer long enough that it blocks; under load the first may not). */
async function idle(): Promise<void> {
  const before = performance.eventLoopUtilization().idle;
  do await new Promise((resolve) => setTimeout(resolve, 5));
  while (performance.eventLoopUtilization().idle === before);
}

describe('TimeSlicer', () => {
  it('shares one budget: a slice used up by one loop is used up for every other', async () => {
    await idle();
    const a = new TimeSlicer();
    const b = new TimeSlicer();
    expect(a.due()).toBe(false);
    busy(SLICE_MS + 2);
    expect(a.due()).toBe(true);
    expect(b.due()).toBe(true);
    expect(new TimeSlicer().due()).toBe(true);
    await b.pause();
  });

  it('starts a fresh slice once the loop has waited for I/O', async () => {
    busy(SLICE_MS + 2);
    await idle();
    expect(new TimeSlicer().due()).toBe(false);
  });

  it('resumes paused work in the order it paused, one per turn while each uses up the slice', async () => {
    await idle();
    const slicer = new TimeSlicer();
    const order: string[] = [];
    // Each piece of work holds the loop for `ms` once it goes on.
    const work = (name: string, ms: number) =>
      slicer.pause().then(() => {
        order.push(name);
        busy(ms);
      });
    const all = [work('a', SLICE_MS + 2), work('b', SLICE_MS + 2), work('c', 0)];
    // Queued after the pauses: the loop runs it between the first piece of work and the second.
    setImmediate(() => order.push('probe'));
    await Promise.all(all);
    expect(order).toEqual(['a', 'probe', 'b', 'c']);
  });

  it('pauseIfDue goes on at once while the slice lasts and yields once it is used up', async () => {
    await idle();
    const slicer = new TimeSlicer();
    const order: string[] = [];
    setImmediate(() => order.push('immediate'));
    await slicer.pauseIfDue();
    order.push('not due');
    busy(SLICE_MS + 2);
    await slicer.pauseIfDue();
    order.push('after the pause');
    expect(order).toEqual(['not due', 'immediate', 'after the pause']);
  });
});
