import { SchedulePasses } from '../../../../lambdas/media-insights/workflow/engine/coalescing';

describe('schedule request coalescing', () => {
  it('runs a pass for a request made after the last pass started, and skips requests made before it', () => {
    // Prepare
    const passes = new SchedulePasses();

    // Act
    const first = passes.admit(100, 200); // a pass starts at 200
    const queuedDuringFirst = [passes.admit(150, 300), passes.admit(199, 301)];
    const afterFirstStarted = passes.admit(250, 400); // made after 200: the first pass may have missed it
    const coveredBySecond = passes.admit(260, 500); // made before the second pass started at 400
    const afterSecondStarted = passes.admit(450, 600);

    // Assess
    expect(first).toBe(true);
    expect(queuedDuringFirst).toEqual([false, false]);
    expect(afterFirstStarted).toBe(true);
    expect(coveredBySecond).toBe(false);
    expect(afterSecondStarted).toBe(true);
  });

  it('always runs requests that carry no time, such as the rules and status-change events', () => {
    // Prepare
    const passes = new SchedulePasses();
    passes.admit(undefined, 1_000);

    // Act / Assess
    expect(passes.admit(undefined, 1_001)).toBe(true);
    expect(passes.admit(999, 1_002)).toBe(false);
  });
});
