import { Button, DynamicTable } from '@forge/react';
import React from 'react';
import type { ConnectionView } from '../../resolvers/contract';
import { formatDateTime } from './format';

/** Connected AI clients, one row each, with a Disconnect button: My Access and the admin's "Disconnect / forget user". */
export function ConnectionsTable({
  connections,
  testId,
  caption,
  subtle = false,
  onDisconnect,
}: {
  readonly connections: readonly ConnectionView[];
  readonly testId: string;
  readonly caption?: string;
  readonly subtle?: boolean;
  readonly onDisconnect: (connection: ConnectionView) => void;
}) {
  return (
    <DynamicTable
      testId={testId}
      {...(caption !== undefined && { caption })}
      head={{
        cells: [
          { key: 'client', content: 'AI client' },
          { key: 'connected', content: 'Connected' },
          { key: 'used', content: 'Last used' },
          { key: 'action', content: '' },
        ],
      }}
      rows={connections.map((connection) => ({
        key: connection.id,
        cells: [
          { key: 'client', content: connection.client },
          { key: 'connected', content: formatDateTime(connection.connectedAt) },
          { key: 'used', content: connection.lastUsedAt !== undefined ? formatDateTime(connection.lastUsedAt) : 'not yet' },
          {
            key: 'action',
            content: (
              <Button {...(subtle && { appearance: 'subtle' as const })} testId={`disconnect-${connection.id}`} onClick={() => onDisconnect(connection)}>
                Disconnect
              </Button>
            ),
          },
        ],
      }))}
    />
  );
}
