/**
 * Secrets the package references but never contains. Deploy pipelines create them from
 * `pulumi config set --secret` values (see pulumi/); manifests only name them, so no secret
 * value ever appears in dist/, in a PR diff or in Pulumi state as plaintext.
 */
export interface SecretReference {
  /** Secret name in the environment's namespace. */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}

export const SECRETS = {
  /** PagerDuty Events API v2 routing key for P1 pages. */
  pagerdutyRoutingKey: { name: 'agentaskit-pagerduty', key: 'routing-key' },
  /**
   * Slack incoming-webhook URL for #orchestration-alerts (P2 alerts and canary events).
   * The key is `address` because Flagger's AlertProvider reads exactly that key.
   */
  slackWebhook: { name: 'agentaskit-slack', key: 'address' },
  /** Ticketing webhook URL that opens P3 issues. */
  ticketWebhook: { name: 'agentaskit-ticketing', key: 'url' },
  /** Bearer token the orchestrator accepts on its admin endpoints (the runbook's manual phase advance). */
  adminToken: { name: 'agentaskit-admin-token', key: 'token' },
} as const satisfies Record<string, SecretReference>;

export type SecretKey = keyof typeof SECRETS;
