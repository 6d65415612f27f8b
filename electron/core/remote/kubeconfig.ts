import type { KubeConfig } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../errors';

/** Where a target's cluster is: its context and namespace, and a kubeconfig file when not kubectl's default. */
export interface KubeTarget {
  context: string;
  namespace: string;
  kubeconfig?: string | null | undefined;
}

/**
 * The kubeconfig files kubectl would read: the target's own file, else every file of KUBECONFIG (a path list; missing
 * ones are skipped, as kubectl skips them), else ~/.kube/config.
 */
export function kubeconfigCandidates(kubeconfig: string | null | undefined, env = process.env): string[] {
  if (kubeconfig) return [path.resolve(kubeconfig)];
  const list = (env['KUBECONFIG'] ?? '').split(path.delimiter).filter(Boolean);
  if (list.length > 0) return list.map((p) => path.resolve(p));
  return [path.join(env['HOME'] || os.homedir(), '.kube', 'config')];
}

/** client-node's KubeConfig class, passed in: importing the package costs about half a second, which only the code
 * paths that talk to a cluster should pay (see loadKubeConfigLazily). */
type KubeConfigClass = new () => KubeConfig;

/**
 * Loads the kubeconfig as kubectl does (files merged, the first to name a cluster, user or context wins) and selects
 * the target's context. Throws KUBECONFIG_NOT_FOUND naming the paths looked at, KUBECONFIG_INVALID for a file that is
 * not a kubeconfig, KUBE_CONTEXT_NOT_FOUND listing the contexts there are.
 */
export function loadKubeConfig(
  target: KubeTarget,
  KubeConfigOf: KubeConfigClass,
  env = process.env,
): KubeConfig {
  const candidates = kubeconfigCandidates(target.kubeconfig, env);
  const files = candidates.filter((file) => fs.existsSync(file) && fs.statSync(file).isFile());
  if (files.length === 0) {
    const source = target.kubeconfig
      ? 'the target’s --kubeconfig'
      : env['KUBECONFIG']
        ? 'KUBECONFIG'
        : 'the default';
    throw new AppError(
      'KUBECONFIG_NOT_FOUND',
      `No kubeconfig found: looked at ${candidates.join(', ')} (${source}).`,
      'Point --kubeconfig (or KUBECONFIG) at the file your cluster gave you, or set up ~/.kube/config so that `kubectl config get-contexts` lists your cluster.',
    );
  }
  const merged = new KubeConfigOf();
  for (const file of files) {
    const one = new KubeConfigOf();
    try {
      one.loadFromFile(file);
    } catch (error) {
      throw new AppError(
        'KUBECONFIG_INVALID',
        `${file} is not a readable kubeconfig: ${(error as Error).message}`,
        'Check the file with `kubectl --kubeconfig <file> config view`, or point to another one.',
        { cause: error },
      );
    }
    for (const c of one.getClusters()) if (!merged.getCluster(c.name)) merged.addCluster(c);
    for (const u of one.getUsers()) if (!merged.getUser(u.name)) merged.addUser(u);
    for (const x of one.getContexts()) if (!merged.getContextObject(x.name)) merged.addContext(x);
  }
  const context = merged.getContextObject(target.context);
  if (!context) {
    const names = merged.getContexts().map((c) => c.name);
    throw new AppError(
      'KUBE_CONTEXT_NOT_FOUND',
      `Context "${target.context}" is not in ${files.join(', ')}; ${
        names.length ? `its contexts: ${names.join(', ')}` : 'it has no contexts'
      }.`,
      'Give one of those contexts (`kubectl config get-contexts` lists them), or the kubeconfig that has yours.',
    );
  }
  merged.setCurrentContext(context.name);
  return merged;
}

/** loadKubeConfig, importing client-node on first use (for checks made outside a cluster call: `targets add`). */
export async function loadKubeConfigLazily(target: KubeTarget): Promise<KubeConfig> {
  const { KubeConfig: KubeConfigOf } = await import('@kubernetes/client-node');
  return loadKubeConfig(target, KubeConfigOf);
}
