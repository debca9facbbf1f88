import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { missingParameters, stageParameters } from '../../infra/predeploy';

describe('the pre-deploy check', () => {
  it("names the stage's missing parameters, asking for names only", async () => {
    const ssm = mockClient(SSMClient);
    ssm.on(GetParametersCommand).resolves({ InvalidParameters: ['/roster/prod/admin-password'] });
    expect(await missingParameters(new SSMClient({ region: 'eu-west-1' }), 'prod')).toEqual(['/roster/prod/admin-password']);
    const sent = ssm.commandCalls(GetParametersCommand)[0]!.args[0].input;
    expect(sent.WithDecryption).toBe(false);
    expect([...sent.Names!].sort()).toEqual(['/roster/prod/admin-password', '/roster/prod/token-secret']);
    ssm.restore();
  });

  it('derives every name from the stage', () => {
    expect(stageParameters('staging').every((n) => n.startsWith('/roster/staging/'))).toBe(true);
  });
});
