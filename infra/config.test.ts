import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { carveSubnet, cidrContains, cidrsOverlap } from './cidr';
import { generatorRoleArn, InfraConfigError, loadInfraConfig, parseInfraConfig } from './config';
import { planSubnets } from './network';
import { stages } from './stages';
import { buildTestConfig } from './testing/fixtures';

const raw = () => JSON.parse(JSON.stringify(stages.dev));

describe('infra config', () => {
  it('every shipped stage config is valid', () => {
    for (const [stage, config] of Object.entries(stages)) expect(() => parseInfraConfig(config), stage).not.toThrow();
  });

  it('fills defaults from docs/contracts.md (tables, admin group, generator role name)', () => {
    const config = parseInfraConfig(stages.dev);
    expect(config.portal.tables).toEqual({
      users: 'studio-portal-users',
      lobs: 'studio-portal-lobs',
      audit: 'studio-portal-audit',
      requests: 'studio-portal-requests',
      reviews: 'studio-portal-reviews',
      usage: 'studio-portal-usage',
    });
    expect(config.portal.adminGroup).toBe('portal-admins');
    expect(config.lobs.map(generatorRoleArn)).toEqual([
      'arn:aws:iam::111111111111:role/PresignedUrlGenerator',
      'arn:aws:iam::222222222222:role/PresignedUrlGenerator',
    ]);
  });

  it('rejects overlapping CIDRs, naming both ranges', () => {
    const bad = raw();
    bad.lobs[1].vpcCidr = '10.1.128.0/17';
    expect(() => parseInfraConfig(bad)).toThrow(/lobs\.1\.vpcCidr: 10\.1\.128\.0\/17 overlaps 10\.1\.0\.0\/16/);
    const corp = raw();
    corp.corporateCidrs = ['10.0.0.0/8'];
    expect(() => parseInfraConfig(corp)).toThrow(InfraConfigError);
  });

  it('rejects account ids that are not 12 digits, and accounts used twice', () => {
    const bad = raw();
    bad.lobs[0].accountId = '12345';
    expect(() => parseInfraConfig(bad)).toThrow(/lobs\.0\.accountId: must be a 12-digit AWS account id/);
    const dup = raw();
    dup.lobs[1].accountId = dup.sharedServices.accountId;
    expect(() => parseInfraConfig(dup)).toThrow(/already used/);
  });

  it('rejects malformed CIDRs, too few AZs, bad profile names and hosted-ui without a domain prefix', () => {
    const bad = raw();
    bad.sharedServices.vpcCidr = '10.0.0.1/16';
    bad.azIds = ['use1-az1'];
    bad.lobs[0].users = ['bad_name!'];
    bad.portal = { authMode: 'hosted-ui' };
    let message = '';
    try {
      parseInfraConfig(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/sharedServices\.vpcCidr/);
    expect(message).toMatch(/azIds/);
    expect(message).toMatch(/lobs\.0\.users\.0/);
    expect(message).toMatch(/portal\.hostedUiDomainPrefix/);
  });

  it('loads a JSON file named by STUDIO_PORTAL_INFRA_CONFIG, and falls back to dev for personal stages', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'infra-config-'));
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ ...raw(), region: 'eu-west-1' }));
    expect(loadInfraConfig('anything', stages, { STUDIO_PORTAL_INFRA_CONFIG: file }).region).toBe('eu-west-1');
    expect(loadInfraConfig('alice', stages, {}).lobs).toHaveLength(2);
    expect(() => loadInfraConfig('x', stages, { STUDIO_PORTAL_INFRA_CONFIG: path.join(dir, 'missing.json') })).toThrow(
      /cannot read/,
    );
  });

  it('carves non-overlapping private and Transit Gateway subnets inside the VPC', () => {
    const plan = planSubnets('10.0.0.0/16', 3);
    expect(plan.private).toEqual(['10.0.0.0/18', '10.0.64.0/18', '10.0.128.0/18']);
    expect(plan.transitGateway).toEqual(['10.0.192.0/28', '10.0.192.16/28', '10.0.192.32/28']);
    const all = [...plan.private, ...plan.transitGateway];
    for (const [i, a] of all.entries()) {
      expect(cidrContains('10.0.0.0/16', a)).toBe(true);
      for (const b of all.slice(i + 1)) expect(cidrsOverlap(a, b)).toBe(false);
    }
    expect(() => carveSubnet('10.0.0.0/24', 8, 0)).toThrow(/smaller than \/28/);
    expect(buildTestConfig().lobs).toHaveLength(2);
  });
});
