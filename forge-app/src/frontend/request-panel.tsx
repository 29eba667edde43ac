// UI Kit entry for jiraServiceManagement:portalRequestCreatePropertyPanel: "Select AI tool" on the portal's create form.
import ForgeReconciler from '@forge/react';
import React from 'react';
import { RequestPanel } from './portal/request-panel-app';

ForgeReconciler.render(
  <React.StrictMode>
    <RequestPanel />
  </React.StrictMode>,
);
