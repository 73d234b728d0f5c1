/**
 * Secret references in config. The schema turns `{ env: NAME }` / `{ file: PATH }` into a
 * SecretReference; the loader resolves each one (reporting a missing variable or unreadable
 * file as a config issue) before the config is frozen. Values only ever live in a Secret.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { Secret } from '../core/secret.js';

export class SecretReference {
  readonly spec: { readonly env: string } | { readonly file: string };
  #secret: Secret | undefined;

  constructor(spec: { env: string } | { file: string }) {
    this.spec = spec;
  }

  /** Reads the value; returns an error message instead of throwing. */
  resolve(baseDir: string, env: NodeJS.ProcessEnv): string | undefined {
    if ('env' in this.spec) {
      const v = env[this.spec.env];
      if (v === undefined) return `environment variable ${this.spec.env} is not set`;
      this.#secret = new Secret(v, `env:${this.spec.env}`);
      return undefined;
    }
    const path = resolvePath(baseDir, this.spec.file);
    try {
      this.#secret = new Secret(readFileSync(path, 'utf8').replace(/\r?\n$/, ''), `file:${path}`);
      return undefined;
    } catch (err) {
      return `cannot read secret file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
    }
  }

  /** The resolved secret; throws if the loader did not resolve it (a bug). */
  get secret(): Secret {
    if (!this.#secret) throw new Error('secret reference used before it was resolved');
    return this.#secret;
  }

  toJSON(): unknown {
    return this.spec;
  }
}

/** Calls `visit` for every SecretReference inside `value`, with its path. */
export function findSecretReferences(value: unknown, visit: (ref: SecretReference, path: (string | number)[]) => void, path: (string | number)[] = []): void {
  if (value instanceof SecretReference) {
    visit(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findSecretReferences(v, visit, [...path, i]));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) findSecretReferences(v, visit, [...path, k]);
  }
}
