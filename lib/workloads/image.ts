/**
 * Container image references. Images must be pinned: a tag other than `latest`, or a digest.
 * A moving tag makes two syntheses of the same commit deploy different code.
 */

import { invalid } from '../invalid';

const DIGEST = /^sha256:[a-f0-9]{64}$/;
// Registry host (optional, with port), path components, as in the OCI distribution spec.
const REPOSITORY = /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses `repo[:tag][@sha256:…]`; returns a problem description instead of throwing. */
export function parseImage(ref: string): ImageReference | { readonly problem: string } {
  const [nameAndTag, digest, ...rest] = ref.split('@');
  if (rest.length > 0) return { problem: 'has more than one "@"' };
  if (digest !== undefined && !DIGEST.test(digest)) return { problem: `digest "${digest}" is not sha256:<64 hex>` };
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > nameAndTag.lastIndexOf('/');
  const repository = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  if (!REPOSITORY.test(repository)) return { problem: `repository "${repository}" is malformed` };
  if (tag !== undefined && !TAG.test(tag)) return { problem: `tag "${tag}" is malformed` };
  if (tag === 'latest') return { problem: 'uses the moving tag "latest"' };
  if (tag === undefined && digest === undefined) return { problem: 'has no tag or digest (it would mean "latest")' };
  return { repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The same repository with a pinned tag, when the repository part is well formed; else `fallback`. */
export function pinnedExample(value: string, fallback: string): string {
  const repository = value.split('@')[0]!.replace(/:[^/:]*$/, '');
  const candidate = `${repository}:${fallback.slice(fallback.lastIndexOf(':') + 1)}`;
  return 'problem' in parseImage(candidate) ? fallback : candidate;
}

/**
 * Throws an InvalidError of `subject` at `field` unless `ref` is a pinned image reference. The fix shows the same
 * repository pinned (else `fallback`, an example of this field's image). Returns the parsed reference.
 */
export function requirePinnedImage(subject: string, field: string, ref: string, fallback: string): ImageReference {
  const parsed = parseImage(ref);
  if ('problem' in parsed) {
    invalid(subject, field, ref, `the image ${parsed.problem}; pin it by tag or digest, e.g. "${pinnedExample(ref, fallback)}" or "...@sha256:<digest>"`);
  }
  return parsed;
}

/** The version label value of an image: its tag, else the short digest. */
export function imageVersion(image: ImageReference): string {
  return image.tag ?? image.digest!.slice('sha256:'.length, 'sha256:'.length + 12);
}
