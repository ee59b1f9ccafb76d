/**
 * Entry point of the `agentaskit-deploy` Pulumi project (Pulumi.yaml `main`, after `npm run build`).
 * The module's exports are the stack outputs.
 */
import { runProgram } from './program';
import { pulumiConfigSource } from './stack-config';

export = runProgram(pulumiConfigSource()).outputs;
