import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_NAME_MAX as CONTRACT_NAME_MAX } from '../../electron/contract';
import { DEPLOYMENT_NAME_MAX as PLATFORM_NAME_MAX } from '../../platform/server/deployments';

// The platform is deployed apart from the app and imports nothing of it, so each side states the limits they share.
describe('the app and the platform agree', () => {
  it('on the longest deployment name', () => {
    expect(CONTRACT_NAME_MAX).toBe(PLATFORM_NAME_MAX);
  });
});
