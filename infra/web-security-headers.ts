/**
 * The web console's security headers, in one place for both ways it is served: the local gateway sends them
 * with every console file (infra/local/gateway.ts), and CloudFront's response headers policy sets the same on
 * AWS (infra/cdk/web-console.ts), where the identity provider's and the upload bucket's origins are added. It
 * lives beside the definition, not under local/ or cdk/, so neither deployment imports the other.
 */
export function siteSecurityHeaders(connectOrigins: string[] = []): Record<string, string> {
  return {
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src ${["'self'", ...connectOrigins].join(' ')}`,
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "object-src 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
}
