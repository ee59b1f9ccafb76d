/** Manifests for the end-to-end tests: a base tree and variations of it. */

export function worker(image: string, replicas: number, reversed = false): object {
  const containers = [
    {
      name: 'worker',
      image: `ghcr.io/agentaskit/worker:${image}`,
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'QUEUE', value: 'tasks' },
      ],
      ports: [{ name: 'http', containerPort: 8080 }],
    },
    { name: 'metrics', image: 'ghcr.io/agentaskit/exporter:0.3.0' },
  ];
  if (reversed) {
    containers.reverse();
    containers.forEach((c) => (c as { env?: unknown[] }).env?.reverse());
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'agent-worker', namespace: 'agentaskit', labels: { 'app.kubernetes.io/name': 'agent-worker' } },
    spec: { replicas, template: { spec: { containers } } },
  };
}

export function secret(token: string, extra: Record<string, string> = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'agent-credentials', namespace: 'agentaskit' },
    type: 'Opaque',
    data: { token: Buffer.from(token).toString('base64'), ...extra },
  };
}

export const oldConfig = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'legacy-settings', namespace: 'agentaskit' },
  data: { mode: 'classic' },
};

export const denyAll = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default-deny', namespace: 'agentaskit' },
  spec: { podSelector: {}, policyTypes: ['Ingress'] },
};

export const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'agent-api', namespace: 'agentaskit' },
  spec: { ports: [{ name: 'http', port: 80 }], selector: { app: 'agent-api' } },
};

export const baseTree = {
  dev: {
    'app.yaml': [worker('1.4.2', 2), service, oldConfig],
    'secrets.yaml': [secret('s3cr3t-old')],
  },
  staging: { 'app.yaml': [worker('1.4.2', 2), service] },
  production: { 'app.yaml': [worker('1.4.2', 3), service] },
};
