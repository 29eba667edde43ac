// UI Kit entry for jira:globalPage (Jira Apps → Clearway): My Access, Approved Tools, Request History, Approvals.
import ForgeReconciler from '@forge/react';
import React from 'react';
import { GlobalPage } from './global/global-page-app';

ForgeReconciler.render(
  <React.StrictMode>
    <GlobalPage />
  </React.StrictMode>,
);
