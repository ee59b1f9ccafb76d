import { appLabelValues } from '../../../lib/workloads/labels';

test("a component's app label values: its name, and with progressive delivery Flagger's primary too", () => {
  expect(appLabelValues('agent-worker')).toEqual(['agent-worker']);
  expect(appLabelValues('agent-worker', { progressiveDelivery: false })).toEqual(['agent-worker']);
  expect(appLabelValues('orchestrator', { progressiveDelivery: true })).toEqual(['orchestrator', 'orchestrator-primary']);
});
