/**
 * Every package target (`edgepack package --target`), one builder module each: what goes into its zip, planned from
 * the export and the runtime templates folder (native-runtimes/) before a byte is written.
 */
import path from 'node:path';
import type { PackageTarget } from '../../contract';
import { planBundle, type BundlePlan, type BundleSubject } from './bundle-contents';
import { planDocker } from './docker-contents';
import { readShip, shippedRuntimes } from './ship';

export type PlanPackage = (subject: BundleSubject, runtimesDir: string) => Promise<BundlePlan>;

export const PACKAGE_TARGETS: Record<PackageTarget, PlanPackage> = {
  bundle: (subject, runtimesDir) =>
    planBundle(subject, {
      runtimes: shippedRuntimes(runtimesDir),
      conformanceDir: path.join(runtimesDir, 'conformance'),
    }),
  docker: (subject, runtimesDir) =>
    planDocker(subject, {
      dockerDir: path.join(runtimesDir, 'docker'),
      python: readShip(path.join(runtimesDir, 'python', 'ship.json')),
    }),
};
