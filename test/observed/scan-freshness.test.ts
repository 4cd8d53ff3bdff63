import { describe, expect, it } from 'vitest';
import { ScanFreshness } from '../../src/observed/scan-freshness.ts';

describe('ScanFreshness (shared rescans)', () => {
  const setup = (maxAgeMs = 1000) => {
    let t = 100;
    const f = new ScanFreshness(maxAgeMs, () => t);
    return { f, advance: (ms: number) => (t += ms) };
  };

  it('serves a scan to later readers until it is maxAgeMs old', () => {
    const { f, advance } = setup();
    expect(f.isFresh('pdf')).toBe(false);
    f.record(['pdf'], f.begin());
    advance(999);
    expect(f.isFresh('pdf')).toBe(true);
    advance(1);
    expect(f.isFresh('pdf')).toBe(false);
  });

  it('an event for the skill, even one that arrives while the scan runs, forces the next rescan', () => {
    const { f, advance } = setup();
    const started = f.begin();
    advance(5);
    f.invalidate('pdf'); // arrives between the scan's stat calls and its record
    advance(5);
    f.record(['pdf', 'git'], started);
    expect(f.isFresh('pdf')).toBe(false);
    expect(f.isFresh('git')).toBe(true);
    f.record(['pdf'], f.begin());
    expect(f.isFresh('pdf')).toBe(true);
  });

  it('an event at the registry root invalidates every skill, including scans still running', () => {
    const { f, advance } = setup();
    f.record(['a'], f.begin());
    const running = f.begin();
    advance(1);
    f.invalidateAll();
    f.record(['b'], running);
    expect(f.isFresh('a')).toBe(false);
    expect(f.isFresh('b')).toBe(false);
    advance(1);
    f.record(['a'], f.begin());
    expect(f.isFresh('a')).toBe(true);
  });

  it('maxAgeMs 0 never shares a scan (strict level-triggering)', () => {
    const { f } = setup(0);
    f.record(['pdf'], f.begin());
    expect(f.isFresh('pdf')).toBe(false);
  });

  it('an older scan finishing late does not move a newer record back', () => {
    const { f, advance } = setup();
    const older = f.begin();
    advance(10);
    f.record(['pdf'], f.begin());
    f.record(['pdf'], older);
    advance(995);
    expect(f.isFresh('pdf')).toBe(true); // 995 ms after the newer scan, 1005 after the older one
  });

  it('trusts events without the age bound while the registry is watched in full, and for good no more once a watch fails', () => {
    const { f, advance } = setup();
    f.watchedInFull();
    expect(f.trustEvents).toBe(true);
    f.record(['pdf', 'git'], f.begin());
    advance(60_000);
    expect(f.isFresh('pdf')).toBe(true);
    f.invalidate('pdf');
    expect(f.isFresh('pdf')).toBe(false); // an event still forces the rescan
    expect(f.isFresh('git')).toBe(true);
    f.watchesIncomplete();
    expect(f.trustEvents).toBe(false);
    expect(f.isFresh('git')).toBe(false); // back to the 1 s bound
    f.watchedInFull(); // a registry that reappears does not restore trust: a watch is still missing somewhere
    expect(f.trustEvents).toBe(false);
  });

  it('a scan from before the registry was watched in full keeps the 1 s bound (it may have missed a change)', () => {
    const { f, advance } = setup();
    f.record(['old'], f.begin());
    advance(10);
    f.watchedInFull();
    f.record(['new'], f.begin());
    advance(5000);
    expect(f.isFresh('old')).toBe(false);
    expect(f.isFresh('new')).toBe(true);
  });
});
