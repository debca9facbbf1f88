import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { missingParameters, stageParameters } from '../../infra/predeploy';

describe('the pre-deploy check', () => {
  it("names the stage's missing parameters from their metadata, reading no value", async () => {
    const ssm = mockClient(SSMClient);
    ssm
      .on(DescribeParametersCommand)
      .resolvesOnce({ Parameters: [], NextToken: 'page-2' })
      .resolvesOnce({ Parameters: [{ Name: '/roster/prod/token-secret', Type: 'SecureString' }] });
    expect(await missingParameters(new SSMClient({ region: 'eu-west-1' }), 'prod')).toEqual(['/roster/prod/admin-password']);
    const calls = ssm.calls();
    expect(calls.every((c) => c.args[0] instanceof DescribeParametersCommand)).toBe(true);
    const [first, second] = ssm.commandCalls(DescribeParametersCommand).map((c) => c.args[0].input);
    expect([...first!.ParameterFilters![0]!.Values!].sort()).toEqual(['/roster/prod/admin-password', '/roster/prod/token-secret']);
    expect(first!.ParameterFilters![0]).toMatchObject({ Key: 'Name', Option: 'Equals' });
    expect(second!.NextToken).toBe('page-2');
    ssm.restore();
  });

  it('derives every name from the stage', () => {
    expect(stageParameters('staging').every((n) => n.startsWith('/roster/staging/'))).toBe(true);
  });
});
