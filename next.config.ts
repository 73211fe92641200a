import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Lets parallel builds (tests, bench, developers) keep separate output folders.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // Standalone output is what ships to Lambda (with the AWS Lambda Web Adapter).
  output: 'standalone',
  poweredByHeader: false,
  serverExternalPackages: ['@aws-sdk/client-sagemaker'],
};

export default nextConfig;
