/**
 * Entry of the policy pack (PulumiPolicy.yaml `main`, after `npm run build`):
 *   pulumi preview --policy-pack policy
 * Constructing the PolicyPack starts its gRPC server for the engine, so this file holds nothing else.
 */
import { PolicyPack } from '@pulumi/policy';
import { POLICY_PACK_ARGS, POLICY_PACK_NAME } from './pack';

new PolicyPack(POLICY_PACK_NAME, POLICY_PACK_ARGS);
