/** The Android package: the Kotlin library module and Gradle wrapper settings as shipped, the template's project files and example app, the TFLite model and metadata.json in the app's assets (where ModelWrapper.fromAssets looks). */
import type { BundleSources, BundleSubject } from './bundle-contents';
import { planDeviceProject, type DeviceProjectSpec } from './device-project';

const FROM_RUNTIME = new Set(['gradle.properties', 'gradle/wrapper/gradle-wrapper.properties']);

const ANDROID: DeviceProjectSpec = {
  target: 'android',
  format: 'tflite',
  formatTitle: 'TFLite',
  runtime: 'kotlin',
  template: 'android-package',
  placeRuntimeFile: (file) => (file.startsWith('edgepack-runtime/') || FROM_RUNTIME.has(file) ? file : null),
  assetsDir: 'app/src/main/assets/edgepack',
};

export const planAndroid = (subject: BundleSubject, sources: BundleSources) =>
  planDeviceProject(subject, sources, ANDROID);
