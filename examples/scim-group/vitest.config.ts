import { clearwayProject } from '../../vitest.shared.js';

export default clearwayProject('connector-scim-group');
