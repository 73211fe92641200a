/**
 * How the portal assumes a LOB's generator role for a user (docs/architecture.md): role session name
 * `portal-<username>`, SourceIdentity the username, session tags `studio-user` and `lob`. As the SDK's
 * AssumeRole parameters, and as CloudTrail records them.
 */
export function generatorAssumeRole(accountId: string, username: string, lob: string) {
  return {
    RoleArn: `arn:aws:iam::${accountId}:role/PresignedUrlGenerator`,
    RoleSessionName: `portal-${username}`,
    SourceIdentity: username,
    Tags: [
      { Key: 'studio-user', Value: username },
      { Key: 'lob', Value: lob },
    ],
  };
}

/** The same AssumeRole as a CloudTrail event's `requestParameters` (lower-case names). */
export function generatorAssumeRoleRecord(accountId: string, username: string, lob: string) {
  const { RoleArn, RoleSessionName, SourceIdentity, Tags } = generatorAssumeRole(accountId, username, lob);
  const tags = Tags.map(({ Key, Value }) => ({ key: Key, value: Value }));
  return { roleArn: RoleArn, roleSessionName: RoleSessionName, sourceIdentity: SourceIdentity, tags };
}
