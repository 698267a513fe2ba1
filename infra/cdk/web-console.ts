/**
 * The web console as a static site: a private, KMS-encrypted S3 bucket read by CloudFront through origin
 * access control, `/v1/*` routed to the HTTP API on the same origin (no CORS, the token never leaves the
 * console's origin), security headers on every answer, access logs, geo restriction, HTTPS only. The files
 * are built by web/build.ts at synth time (into the cloud assembly folder) and copied into the bucket on deploy (then the cache invalidated).
 */
import { join } from 'node:path';
import { Annotations, CfnOutput, Duration, Fn, RemovalPolicy, Stage } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { writeSite } from '../../web/build.js';
import { siteSecurityHeaders } from '../web-security-headers.js';

export interface WebConsoleProps {
  api: apigw.HttpApi;
  /** The API's own domain name, when its execute-api endpoint is disabled: CloudFront's origin for /v1/*. */
  apiDomainName?: string;
  /** The platform key: encrypts the deployment's log group like every other log group. */
  platformKey: kms.IKey;
  logRetention: logs.RetentionDays;
  /** Where S3 server access logs go. */
  accessLogBucket: s3.IBucket;
  repoRoot: string;
  /** Countries allowed to open the console (ISO 3166-1 alpha-2). */
  countries: string[];
  /** A custom domain and its us-east-1 ACM certificate: then TLS 1.2+ only. */
  domainName?: string;
  certificateArn?: string;
  /** A CloudFront-scope AWS WAF web ACL (created in us-east-1). */
  webAclArn?: string;
  /** The identity provider the console signs in with (authorization code + PKCE), written to config.json. */
  oidc: { issuer: string; clientId: string; scope?: string };
  /** Storage origins the console PUTs large files to through presigned URLs (allowed in its CSP). */
  uploadOrigins?: string[];
  /** Further origins it calls (the provider's token endpoint when it is not on the issuer's host). */
  connectOrigins?: string[];
}

export class WebConsole extends Construct {
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly deployment: s3deploy.BucketDeployment;
  readonly customDomain: boolean;
  readonly webAcl: boolean;
  /** Where users open the console: its domain, or the distribution's own. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: WebConsoleProps) {
    super(scope, id);
    this.customDomain = !!(props.domainName && props.certificateArn);
    this.webAcl = !!props.webAclArn;

    // Its own key: CloudFront's service principal may decrypt with it (OAC), and with nothing else.
    this.key = new kms.Key(this, 'SiteKey', {
      description: 'ansinh web console: encrypts the static site bucket',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new s3.Bucket(this, 'Site', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'web-console/',
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudFront standard logs are delivered with ACLs, so they need a bucket of their own that allows them.
    this.logBucket = new s3.Bucket(this, 'CdnLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 'web-console-cdn-logs/',
      lifecycleRules: [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'ansinh console: the same headers the local gateway sends',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: siteSecurityHeaders([
            new URL(props.oidc.issuer).origin,
            ...(props.uploadOrigins ?? []),
            ...(props.connectOrigins ?? []),
          ])['content-security-policy'] as string,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
      },
    });

    // The API's custom domain when its default endpoint is disabled; else `https://<id>.execute-api.<region>
    // .amazonaws.com` → its host name.
    const apiHost = props.apiDomainName ?? Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    const certificate =
      props.domainName && props.certificateArn
        ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)
        : undefined;

    this.distribution = new cloudfront.Distribution(this, 'Cdn', {
      comment: 'ansinh web console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new origins.HttpOrigin(apiHost, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      logIncludesCookies: false,
      geoRestriction: cloudfront.GeoRestriction.allowlist(...props.countries),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // The default *.cloudfront.net certificate has a fixed policy: TLS 1.2+ needs the console's own domain.
      ...(certificate && props.domainName
        ? {
            certificate,
            domainNames: [props.domainName],
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
    });

    // The site key lets CloudFront decrypt for distributions of this account only: naming this distribution
    // would be a circular reference (key → bucket → distribution → key) on the first deployment.
    Annotations.of(this).acknowledgeWarning(
      '@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac',
      'The key is the console bucket’s alone and holds only the public console files; any distribution of this account may decrypt.',
    );

    this.deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [
        s3deploy.Source.asset(
          writeSite(join(Stage.of(this)?.outdir ?? join(props.repoRoot, 'cdk.out'), 'web-console')),
        ),
        s3deploy.Source.jsonData('config.json', { oidc: props.oidc }),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 512,
      logGroup: new logs.LogGroup(this, 'DeployLogs', {
        retention: props.logRetention,
        encryptionKey: props.platformKey,
      }),
    });

    this.origin = `https://${props.domainName ?? this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'Url', {
      value: `${this.origin}/`,
      description: 'ansinh web console',
    });
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
  }
}
