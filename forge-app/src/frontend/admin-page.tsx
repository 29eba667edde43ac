// UI Kit entry for jira:adminPage (Jira settings → Apps → Clearway): Overview, Intake & Approvals, Catalog,
// Connectors, Governance, Requests, Insights, Governance Logs.
import ForgeReconciler from '@forge/react';
import React from 'react';
import { AdminPage } from './admin/admin-page-app';

ForgeReconciler.render(
  <React.StrictMode>
    <AdminPage />
  </React.StrictMode>,
);
