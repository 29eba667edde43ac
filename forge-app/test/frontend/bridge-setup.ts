// Vitest setup file: the UI Kit bridge must exist before `@forge/bridge` loads (see fake-bridge.ts).
import { installFakeBridge } from './fake-bridge';

installFakeBridge();
