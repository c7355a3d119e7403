/* @jsxRuntime automatic */
import { ProductsPage } from '../pages/products.js';
import type { ConsoleContext } from './context.js';

/** The account's products with their seats (GoTo "Products", Zendesk "Manage subscription"). */
export function registerProductRoutes(ctx: ConsoleContext): void {
  ctx.app.get('/products', async (request, reply) => {
    const session = ctx.requireSession(request, reply);
    if (!session) return reply;
    const call = { token: session.token };
    const [catalog, usage] = await Promise.all([
      ctx.licensing.listProducts({}, call),
      ctx.licensing.getSeatUsage({}, call),
    ]);
    return ctx.render(
      reply,
      <ProductsPage frame={ctx.frameOf(request, reply, session)} products={catalog.products} usage={usage.products} />,
    );
  });
}
