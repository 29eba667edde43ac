import { clearwayProject } from '../../vitest.shared.js';

export default clearwayProject('idp-simulator');
