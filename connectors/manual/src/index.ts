export { manualProvider } from './provider.js';
