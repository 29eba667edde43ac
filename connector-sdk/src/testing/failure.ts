import { isConnectorError, type ConnectorError } from '../errors.js';

/**
 * The connector error an operation rejected with, for tests that assert on its kind, code or
 * wait. Anything else it threw is rethrown; succeeding fails the test.
 */
export async function connectorFailure(operation: Promise<unknown>): Promise<ConnectorError> {
  try {
    await operation;
  } catch (error) {
    if (isConnectorError(error)) return error;
    throw error;
  }
  throw new Error('expected the operation to fail with a ConnectorError, but it succeeded');
}
