/**
 * Runs the Pulumi program under `pulumi.runtime.setMocks`, inside a root Stack like the Node.js
 * language host does, recording every registered resource and (through a stack transformation,
 * since mocks never see resource options) the options each was constructed with.
 */
import * as pulumi from '@pulumi/pulumi';
import { PROJECT } from '../../pulumi/stack-config';

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly provider?: string;
}

export interface Constructed {
  readonly type: string;
  readonly name: string;
  readonly opts: pulumi.CustomResourceOptions;
  readonly resource: pulumi.Resource;
}

export interface MockRun<T> {
  readonly registered: Registered[];
  readonly constructed: Constructed[];
  readonly outputs: Record<string, unknown>;
  readonly result: T;
}

/** Stack config as `pulumi config set` would leave it: keys without the project prefix. */
export interface TestConfig {
  readonly plain?: Readonly<Record<string, string>>;
  readonly secret?: Readonly<Record<string, string>>;
}

/** Installs mocks recording every registration into the returned list, and sets the stack config. */
export async function configureMocks(stack: string, config: TestConfig): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs, ...(args.provider ? { provider: args.provider } : {}) });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    PROJECT,
    stack,
    false,
  );
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...config.plain, ...config.secret })) values[`${PROJECT}:${k}`] = v;
  pulumi.runtime.setAllConfig(values, Object.keys(config.secret ?? {}).map((k) => `${PROJECT}:${k}`));
  return registered;
}

export async function runWithMocks<T>(stack: string, config: TestConfig, program: () => T, outputsOf: (result: T) => unknown): Promise<MockRun<T>> {
  const registered = await configureMocks(stack, config);
  const constructed: Constructed[] = [];
  let result: T | undefined;
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      constructed.push({ type: args.type, name: args.name, opts: args.opts, resource: args.resource });
      return undefined;
    });
    result = program();
    return outputsOf(result);
  });
  // Registrations complete asynchronously: wait for every resource's URN.
  await Promise.all(constructed.map((c) => unwrap(c.resource.urn)));
  return { registered, constructed, outputs: (outputs ?? {}) as Record<string, unknown>, result: result as T };
}

/** Resolves an Output (or plain value) and tells whether it is secret. */
export async function unwrap<T>(value: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
  const output = pulumi.output(value);
  return { value: await new Promise<T>((resolve) => output.apply((v) => { resolve(v as T); return v; })), secret: await pulumi.isSecret(output) };
}
