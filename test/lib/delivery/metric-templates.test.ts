import { metricWindowProblem, MIN_SCRAPES_PER_WINDOW } from '../../../lib/delivery/metric-templates';

describe('metricWindowProblem', () => {
  test('a window of exactly 4 scrapes is long enough', () => {
    expect(MIN_SCRAPES_PER_WINDOW).toBe(4);
    expect(metricWindowProblem(120, 30)).toBeUndefined();
    expect(metricWindowProblem(121, 30)).toBeUndefined();
  });

  test('fails one second short, with the minimum and why', () => {
    expect(metricWindowProblem(119, 30)).toBe(
      'use at least 4 × the 30 s scrape interval (120 s): with fewer scrapes in the window one missed scrape leaves rate() no value, a failed check',
    );
    expect(metricWindowProblem(39, 10)).toMatch(/^use at least 4 × the 10 s scrape interval \(40 s\)/);
  });
});
