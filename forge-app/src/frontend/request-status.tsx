// UI Kit entry for jiraServiceManagement:portalRequestDetail: the request's decision and access, for the customer who asked.
import ForgeReconciler from '@forge/react';
import React from 'react';
import { RequestStatus } from './portal/request-status-app';

ForgeReconciler.render(
  <React.StrictMode>
    <RequestStatus />
  </React.StrictMode>,
);
