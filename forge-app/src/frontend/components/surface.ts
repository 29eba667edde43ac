import { createContext, useContext } from 'react';

/**
 * Which page a shared component is on. The approval queue appears on both the global page and the
 * admin page's Requests tab, and each page's resolver function defines its own keys: a component
 * that reads the catalog asks the page's own resolver for it.
 */
export type Surface = 'globalPage' | 'adminPage';

export const SurfaceContext = createContext<Surface>('globalPage');

export function useSurface(): Surface {
  return useContext(SurfaceContext);
}
