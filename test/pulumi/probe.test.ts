/** @jest-environment-options {"globalsCleanup": "off"} */
import * as k8s from '@pulumi/kubernetes';
import { runProgram } from '../../pulumi/program';
import { pulumiConfigSource } from '../../pulumi/stack-config';
import { runWithMocks, unwrap } from './mocks';
test('probe', async () => {
  const run = await runWithMocks('dev', { plain: { environment: 'dev', kubeContext: 'kind-dev' }, secret: { pagerdutyRoutingKey: 'PDKEY', slackWebhook: 'https://hooks.slack.com/x', ticketWebhook: 'https://t/x', adminToken: 'TOKEN123' } },
    () => runProgram(pulumiConfigSource()), (r) => r.outputs);
  console.log(JSON.stringify(run.registered.filter(r => r.type.includes('Secret') || r.type.includes('providers'))));
  const s = [...run.result.stack.resources.values()].find(r => r instanceof k8s.core.v1.Secret) as k8s.core.v1.Secret;
  console.log(JSON.stringify(await unwrap(s.stringData)));
});
