/** Only same-site paths: never bounce a user to another origin after sign-in. */
export function safeCallbackUrl(value: string | string[] | undefined | null): string {
  const v = Array.isArray(value) ? value[0] : value;
  return v && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/\\') ? v : '/';
}
