import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, infer, startTestPlatform, type Deployed, type TestPlatform } from '../test-support/harness';
import { tinyClassifier, tinyDetector } from '../test-support/tiny-models';

let t: TestPlatform;
let cats: Deployed;
let other: Deployed;
let photo: Buffer;

beforeAll(async () => {
  t = await startTestPlatform();
  cats = await deploy(t, tinyDetector(), undefined, { name: 'cats' });
  other = await deploy(t, tinyDetector(), undefined, { name: 'other' });
  // 128×64: letterboxed into 64×64 at half size with 16 px of padding above and below.
  photo = await sharp({ create: { width: 128, height: 64, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer();
});
afterAll(async () => t?.close());

async function errorOf(response: Response): Promise<{ code: string; message: string; hint: string }> {
  const body = (await response.json()) as { error: { code: string; message: string; hint: string } };
  expect(body.error.hint.length).toBeGreaterThan(5);
  return body.error;
}

describe('POST /v1/infer/{id}', () => {
  it('answers with class, confidence and bbox in the original photo’s pixels, and timings', async () => {
    const response = await infer(t, cats, photo);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      image: { width: number; height: number };
      predictions: { class: string; class_id: number; confidence: number; bbox: number[] }[];
      timing: Record<string, number>;
    };
    expect(body.image).toEqual({ width: 128, height: 64 });
    expect(body.predictions).toEqual([
      { class: 'cat', class_id: 0, confidence: expect.closeTo(0.9, 5), bbox: [16, 0, 80, 64] },
      { class: 'dog', class_id: 1, confidence: expect.closeTo(0.6, 5), bbox: [64, 0, 112, 16] },
    ]);
    for (const stage of ['decode_ms', 'preprocess_ms', 'inference_ms', 'postprocess_ms', 'total_ms']) {
      expect(body.timing[stage]).toBeGreaterThanOrEqual(0);
    }
  });

  it('applies confidence_threshold and max_detections from the request', async () => {
    const low = await (await infer(t, cats, photo, { confidence_threshold: 0.05 })).json();
    expect((low as { predictions: unknown[] }).predictions).toHaveLength(3);
    const high = await (await infer(t, cats, photo, { confidence_threshold: 0.7 })).json();
    expect((high as { predictions: { class: string }[] }).predictions.map((p) => p.class)).toEqual(['cat']);
    const one = await (await infer(t, cats, photo, { confidence_threshold: 0.05, max_detections: 1 })).json();
    expect((one as { predictions: unknown[] }).predictions).toHaveLength(1);
  });

  it('also takes the raw image bytes with an image/* content type', async () => {
    const response = await t.request('POST', `/v1/infer/${cats.id}?confidence_threshold=0.7`, {
      token: cats.apiKey,
      body: photo,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { predictions: unknown[] }).predictions).toHaveLength(1);
  });

  it('answers a classification model with its top classes, most probable first, as many as top_k asks', async () => {
    const classifier = await deploy(t, tinyClassifier(), undefined, { name: 'classes' });
    const body = (await (await infer(t, classifier, photo)).json()) as Record<string, unknown>;
    expect(body.task).toBe('classify');
    expect(body.predictions).toEqual([
      { class: 'dog', class_id: 1, confidence: expect.closeTo(0.7, 5) },
      { class: 'cat', class_id: 0, confidence: expect.closeTo(0.3, 5) },
    ]);
    const one = (await (await infer(t, classifier, photo, { top_k: 1 })).json()) as {
      predictions: unknown[];
    };
    expect(one.predictions).toEqual([{ class: 'dog', class_id: 1, confidence: expect.closeTo(0.7, 5) }]);
  });

  it('applies confidence_threshold to a classifier’s top classes too', async () => {
    const classifier = await deploy(t, tinyClassifier(), undefined, { name: 'classes-conf' });
    const body = (await (await infer(t, classifier, photo, { confidence_threshold: 0.5 })).json()) as {
      predictions: unknown[];
    };
    expect(body.predictions).toEqual([{ class: 'dog', class_id: 1, confidence: expect.closeTo(0.7, 5) }]);
  });

  it('still serves a version stored before versions recorded their preprocessing (migration 2)', async () => {
    const old = await deploy(t, tinyDetector(), undefined, { name: 'from before' });
    const before = await (await infer(t, old, photo)).json();
    await t.platform.store.db.run('UPDATE deployment_versions SET serving = NULL WHERE deployment_id = ?', [
      old.id,
    ]);
    t.platform.inference.invalidate(old.id);
    const after = (await (await infer(t, old, photo)).json()) as { predictions: unknown[] };
    expect(after.predictions).toHaveLength(2);
    expect(after.predictions).toEqual((before as { predictions: unknown[] }).predictions);
  });

  it('sends RateLimit headers with every answer', async () => {
    const response = await infer(t, cats, photo);
    expect(response.headers.get('ratelimit-limit')).toBe('100');
    expect(Number(response.headers.get('ratelimit-remaining'))).toBeLessThan(100);
    expect(response.headers.get('ratelimit-policy')).toBe('100;w=60');
  });
});

describe('bad input', () => {
  it('refuses a missing key with 401', async () => {
    const response = await infer(t, cats, photo, {}, null);
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe('API_KEY_MISSING');
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses a wrong key and another deployment’s key with the same 401', async () => {
    const wrong = await infer(t, cats, photo, {}, 'epk_live_' + 'x'.repeat(32));
    const foreign = await infer(t, cats, photo, {}, other.apiKey);
    expect([wrong.status, foreign.status]).toEqual([401, 401]);
    expect(await wrong.text()).toBe(await foreign.text());
  });

  it('refuses a revoked (regenerated) key exactly like a wrong one, and accepts the new key', async () => {
    const deployed = await deploy(t, tinyDetector());
    const regenerated = (await (
      await t.request('POST', `/api/v1/deployments/${deployed.id}/regenerate-key`)
    ).json()) as { api_key: string };
    const revoked = await infer(t, deployed, photo);
    const wrong = await infer(t, deployed, photo, {}, 'epk_live_' + 'y'.repeat(32));
    expect(revoked.status).toBe(401);
    expect(await revoked.text()).toBe(await wrong.text());
    expect((await infer(t, deployed, photo, {}, regenerated.api_key)).status).toBe(200);
  });

  it('answers 404 for an unknown deployment', async () => {
    const response = await infer(t, { ...cats, id: '00000000-0000-4000-8000-000000000000' }, photo);
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('DEPLOYMENT_NOT_FOUND');
  });

  it('answers 403 for a deactivated deployment (to its key holder) and serves again once reactivated', async () => {
    const deployed = await deploy(t, tinyDetector());
    await t.request('POST', `/api/v1/deployments/${deployed.id}/deactivate`);
    const response = await infer(t, deployed, photo);
    expect(response.status).toBe(403);
    const error = await errorOf(response);
    expect(error.code).toBe('DEPLOYMENT_INACTIVE');
    expect(error.hint).toMatch(/reactivate/i);
    expect((await infer(t, deployed, photo, {}, 'epk_live_' + 'z'.repeat(32))).status).toBe(401);
    await t.request('POST', `/api/v1/deployments/${deployed.id}/reactivate`);
    expect((await infer(t, deployed, photo)).status).toBe(200);
  });

  it('names malformed base64 and where it breaks', async () => {
    const response = await t.request('POST', `/v1/infer/${cats.id}`, {
      token: cats.apiKey,
      json: { image: 'iVBORw0KGgo$$$' },
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('INVALID_BASE64');
    expect(error.message).toContain('position 11');
  });

  it('says when the base64 decodes to something that is not an image', async () => {
    const response = await infer(t, cats, Buffer.from('%PDF-1.4 definitely not a photo'));
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('NOT_AN_IMAGE');
    expect(error.hint).toContain('base64-encoded in JSON requests');
  });

  it('refuses an oversized body with 413 before reading it all', async () => {
    const huge = Buffer.alloc(5 * 1024 * 1024, 'A').toString();
    const response = await t.request('POST', `/v1/infer/${cats.id}`, {
      token: cats.apiKey,
      body: `{"image":"${huge}"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('BODY_TOO_LARGE');
  });

  it('checks the key before reading a body: a large upload without a valid key gets 401, not 413', async () => {
    const huge = Buffer.alloc(5 * 1024 * 1024, 'A').toString();
    const response = await t.request('POST', `/v1/infer/${cats.id}`, {
      token: 'nope',
      body: `{"image":"${huge}"}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(401);
  });

  it('refuses an image bomb: a small file that decodes to too many pixels', async () => {
    const bomb = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const response = await infer(t, cats, bomb);
    expect(response.status).toBe(413);
    const error = await errorOf(response);
    expect(error.code).toBe('IMAGE_TOO_LARGE');
    expect(error.message).toContain('7000×7000');
  });

  it('names unknown fields and out-of-range thresholds', async () => {
    const image = photo.toString('base64');
    const typo = await t.request('POST', `/v1/infer/${cats.id}`, {
      token: cats.apiKey,
      json: { image, confidence: 0.5 },
    });
    expect(typo.status).toBe(400);
    expect((await errorOf(typo)).message).toContain('"confidence"');
    const range = await t.request('POST', `/v1/infer/${cats.id}`, {
      token: cats.apiKey,
      json: { image, confidence_threshold: 2 },
    });
    expect((await errorOf(range)).message).toContain('confidence_threshold');
    const missing = await t.request('POST', `/v1/infer/${cats.id}`, { token: cats.apiKey, json: {} });
    expect((await errorOf(missing)).code).toBe('IMAGE_MISSING');
    const notJson = await t.request('POST', `/v1/infer/${cats.id}`, {
      token: cats.apiKey,
      body: '{"image": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect((await errorOf(notJson)).code).toBe('INVALID_JSON');
  });
});

describe('tier limits', () => {
  it('admits exactly the free tier’s 10 requests per minute, then 429 with Retry-After and RateLimit headers', async () => {
    const free = await startTestPlatform({}, 'free');
    try {
      const deployed = await deploy(free, tinyDetector());
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i < 13; i++) {
        last = await infer(free, deployed, photo);
        statuses.push(last.status);
        if (last.status === 200) await last.arrayBuffer();
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(10);
      expect(statuses.slice(10)).toEqual([429, 429, 429]);
      const retryAfter = Number(last!.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(50);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(last!.headers.get('ratelimit-remaining')).toBe('0');
      expect(last!.headers.get('ratelimit-limit')).toBe('10');
      expect((await errorOf(last!)).code).toBe('RATE_LIMITED');
    } finally {
      await free.close();
    }
  });
});
