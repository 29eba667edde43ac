import { describe, expect, it } from 'vitest';
import { saveTool } from '../catalog/catalog-service.js';
import { decide } from '../decisions/decide.js';
import { submitRequest } from '../requests/submit-request.js';
import { admin, approver, chatgpt, makeWorld, requestInput, requester } from '../test-support/harness.js';
import { MANUAL_CONNECTOR_ID } from './connector.js';
import { connectorUsage } from './connector-usage.js';

describe('connectorUsage', () => {
  it('lists the tools bound to the connector and counts their open grants; other connectors have none', async () => {
    const deps = await makeWorld();
    await saveTool(deps, admin, { ...chatgpt, id: 'claude', name: 'Claude' });
    const { request } = await submitRequest(deps, requester, requestInput());
    await decide(deps, approver, { requestId: request.id, outcome: 'approved', rationale: 'needed for the job' });

    expect(await connectorUsage(deps, MANUAL_CONNECTOR_ID)).toEqual({
      tools: [{ id: 'chatgpt', name: 'ChatGPT Enterprise' }, { id: 'claude', name: 'Claude' }],
      openGrants: { count: 1, more: false },
    });
    expect(await connectorUsage(deps, 'okta-main')).toEqual({ tools: [], openGrants: { count: 0, more: false } });
  });
});
