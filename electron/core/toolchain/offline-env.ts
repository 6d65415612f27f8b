/**
 * The environment every trainer process gets: Ultralytics' offline settings (no downloads, no auto-installs, no
 * requirement checks, its own config folder), pip forbidden from reaching an index, and no user site-packages.
 */
export function trainerEnv(
  ultralyticsConfigDir: string,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const leaky of ['PYTHONPATH', 'PYTHONHOME', 'VIRTUAL_ENV', 'CONDA_PREFIX']) delete env[leaky];
  return {
    ...env,
    YOLO_OFFLINE: 'true',
    YOLO_AUTOINSTALL: 'false',
    ULTRALYTICS_SKIP_REQUIREMENTS_CHECKS: '1',
    YOLO_CONFIG_DIR: ultralyticsConfigDir,
    PIP_NO_INDEX: '1',
    PYTHONNOUSERSITE: '1',
    PYTHONUNBUFFERED: '1',
  };
}
