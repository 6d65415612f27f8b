/**
 * Every package target (`edgepack package --target`), one row each: what it holds and needs (the app's "Packages"
 * cards) and its builder module, which plans the zip from the export and the runtime templates folder
 * (native-runtimes/) before a byte is written. A target is added by adding its row (and its name to
 * packageTargetSchema).
 */
import path from 'node:path';
import type { PackageTarget, PackageTargetInfo } from '../../contract';
import { planAndroid } from './android-project';
import { planBundle, type BundlePlan, type BundleSubject } from './bundle-contents';
import { planDocker } from './docker-contents';
import { planIos } from './ios-project';
import { readShip, shippedRuntimes } from './ship';

export type PlanPackage = (subject: BundleSubject, runtimesDir: string) => Promise<BundlePlan>;

export interface PackageBuilder extends PackageTargetInfo {
  plan: PlanPackage;
}

/** The runtime wrappers and the conformance folder, for the targets built on the wrappers. */
const wrapperSources = (runtimesDir: string) => ({
  runtimes: shippedRuntimes(runtimesDir),
  conformanceDir: path.join(runtimesDir, 'conformance'),
});

export const PACKAGE_TARGETS: Record<PackageTarget, PackageBuilder> = {
  bundle: {
    target: 'bundle',
    title: 'Bundle zip',
    contains:
      "The model files, metadata.json, the runtime wrappers that run them, the model's conformance vectors, a README and a manifest of every file's SHA-256.",
    needs: 'Any completed export.',
    requiredFormat: null,
    plan: (subject, runtimesDir) => planBundle(subject, wrapperSources(runtimesDir)),
  },
  ios: {
    target: 'ios',
    title: 'iOS',
    contains:
      'A Swift package with the CoreML model and metadata.json as resources and the Swift wrapper, plus a SwiftUI example app (photo picker, boxes drawn).',
    needs: 'A CoreML export of the model. On a Mac: Xcode 15+, iOS 15+.',
    requiredFormat: 'coreml',
    plan: (subject, runtimesDir) => planIos(subject, wrapperSources(runtimesDir)),
  },
  android: {
    target: 'android',
    title: 'Android',
    contains:
      'A Gradle project: the Kotlin library module, an example app (photo picker, boxes drawn) with the TFLite model and metadata.json in its assets, a version catalog.',
    needs: 'A TFLite export of the model. Android Studio (JDK 17), Android 7.0+ (API 24).',
    requiredFormat: 'tflite',
    plan: (subject, runtimesDir) => planAndroid(subject, wrapperSources(runtimesDir)),
  },
  docker: {
    target: 'docker',
    title: 'Docker',
    contains:
      'A Triton model repository of the ONNX model, the HTTP server answering POST /v1/infer (the Python wrapper around Triton), both Dockerfiles, docker-compose.yml and a README with the curl command.',
    needs: 'An ONNX export of the model. Docker with Compose.',
    requiredFormat: 'onnx',
    plan: (subject, runtimesDir) =>
      planDocker(subject, {
        dockerDir: path.join(runtimesDir, 'docker'),
        python: readShip(path.join(runtimesDir, 'python', 'ship.json')),
      }),
  },
};

export function targetInfos(): PackageTargetInfo[] {
  return Object.values(PACKAGE_TARGETS).map(({ plan: _plan, ...info }) => info);
}
