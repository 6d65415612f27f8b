/**
 * The package targets, one row each: what the target holds and needs (the app's "Packages" cards, the CLI's help),
 * and the module that plans its zip. A target is added by adding its row here (and its name to packageTargetSchema).
 */
import type { PackageTarget, PackageTargetInfo } from '../../contract';
import { planBundle, type BundlePlan, type BundleSources, type BundleSubject } from './bundle-contents';
import { planAndroid } from './android-project';
import { planIos } from './ios-project';

export interface PackageBuilder extends PackageTargetInfo {
  plan: (subject: BundleSubject, sources: BundleSources) => Promise<BundlePlan>;
}

export const PACKAGE_TARGETS: Record<PackageTarget, PackageBuilder> = {
  bundle: {
    target: 'bundle',
    title: 'Bundle zip',
    contains:
      "The model files, metadata.json, the runtime wrappers that run them, the model's conformance vectors, a README and a manifest of every file's SHA-256.",
    needs: 'Any completed export.',
    requiredFormat: null,
    plan: planBundle,
  },
  ios: {
    target: 'ios',
    title: 'iOS',
    contains:
      'A Swift package with the CoreML model and metadata.json as resources and the Swift wrapper, plus a SwiftUI example app (photo picker, boxes drawn).',
    needs: 'A CoreML export of the model. On a Mac: Xcode 15+, iOS 15+.',
    requiredFormat: 'coreml',
    plan: planIos,
  },
  android: {
    target: 'android',
    title: 'Android',
    contains:
      'A Gradle project: the Kotlin library module, an example app (photo picker, boxes drawn) with the TFLite model and metadata.json in its assets, a version catalog.',
    needs: 'A TFLite export of the model. Android Studio (JDK 17), Android 7.0+ (API 24).',
    requiredFormat: 'tflite',
    plan: planAndroid,
  },
};

export function targetInfos(): PackageTargetInfo[] {
  return Object.values(PACKAGE_TARGETS).map(({ plan: _plan, ...info }) => info);
}
