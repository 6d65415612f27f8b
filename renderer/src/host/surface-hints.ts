/**
 * The core's hints for the CLI name its flags (`--token`, `--endpoint`); in the app the same fix is made in the
 * Deploy section, so these codes get the app's own words.
 */
const APP_HINTS: Record<string, string> = {
  ACCOUNT_TOKEN_INVALID:
    'Paste the platform account token (epk_acct_…) in the Deploy section’s platform settings (“Change”).',
  ACCOUNT_TOKEN_MISSING:
    'Paste the platform account token (epk_acct_…) in the Deploy section’s platform settings (“Change”).',
  PLATFORM_TOKEN_MISSING:
    'Paste the platform account token (epk_acct_…, printed once when the platform created the account) in the Deploy section’s platform settings.',
  PLATFORM_NOT_CONFIGURED:
    'Set the platform URL (e.g. http://127.0.0.1:8080) in the Deploy section’s platform settings.',
};

export function appHint(code: string, hint: string): string {
  return APP_HINTS[code] ?? hint;
}
