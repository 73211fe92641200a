// IAM policy documents (identity, resource and trust policies) as the AWS APIs take them: JSON text in the
// policy language version 2012-10-17.

/** A policy document of these statements. */
export function buildPolicyDocument(statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
