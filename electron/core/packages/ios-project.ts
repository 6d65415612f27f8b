/** The iOS package: the Swift wrapper's sources under EdgepackModel/, its template (Package.swift, EdgepackModel.swift, ExampleApp/), the CoreML model and metadata.json as the package's resources. */
import type { BundleSources, BundleSubject } from './bundle-contents';
import { planDeviceProject, type DeviceProjectSpec } from './device-project';

const IOS: DeviceProjectSpec = {
  target: 'ios',
  format: 'coreml',
  formatTitle: 'CoreML',
  runtime: 'swift',
  template: 'ios-package',
  placeRuntimeFile: (file) =>
    /^Sources\/(EdgepackCore|EdgepackRuntime)\//.test(file) ? `EdgepackModel/${file}` : null,
  assetsDir: 'EdgepackModel/Sources/EdgepackModel/Resources',
};

export const planIos = (subject: BundleSubject, sources: BundleSources) =>
  planDeviceProject(subject, sources, IOS);
