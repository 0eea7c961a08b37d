/** Server-rendered pages (Eta templates in views/, HTML-escaped by default). */
import { join } from 'node:path';
import { Eta } from 'eta';
import { PACKAGE_ROOT } from '../util/package-root.js';

const eta = new Eta({
  views: join(PACKAGE_ROOT, 'views'),
  autoEscape: true,
  cache: process.env.NODE_ENV === 'production',
});

export function renderPage(name: string, data: Record<string, unknown>): string {
  return eta.render(name, data);
}
