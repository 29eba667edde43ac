// tsyringe needs the Reflect metadata API before any decorated class loads.
import 'reflect-metadata';
import { beforeEach } from 'vitest';
import { installFakeForge, resetFakeForge } from './fake-forge/index';

installFakeForge();
beforeEach(() => {
  resetFakeForge();
});
