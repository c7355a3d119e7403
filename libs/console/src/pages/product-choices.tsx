/* @jsxRuntime automatic */
import type { Product } from '@acme/contracts';
import type { Translate } from '../i18n/index.js';

/**
 * Products to tick, each with its features switched on or off (the arrow at the far right of each
 * product in the articles). Every feature offered is posted as `offered:<product>`, so one left
 * unticked is switched off (productsPosted reads them back).
 */
export function ProductChoices({
  t,
  idPrefix,
  products,
}: {
  t: Translate;
  idPrefix: string;
  products: readonly Product[];
}) {
  return (
    <>
      {products.map((product) => (
        <fieldset key={product.id}>
          <legend>
            <input type="checkbox" id={`${idPrefix}-${product.id}`} name="product" value={product.id} />
            <label htmlFor={`${idPrefix}-${product.id}`}>{product.name}</label>
          </legend>
          {product.features.length > 0 && (
            <ul aria-label={t('users.featuresOf', { product: product.name })}>
              {product.features.map((feature) => (
                <li key={feature}>
                  <input type="hidden" name={`offered:${product.id}`} value={feature} />
                  <input
                    type="checkbox"
                    id={`${idPrefix}-${product.id}-${feature}`}
                    name={`feature:${product.id}`}
                    value={feature}
                    defaultChecked
                  />
                  <label htmlFor={`${idPrefix}-${product.id}-${feature}`}>{feature}</label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
      ))}
    </>
  );
}

/** A checkbox with its label: the notification, the dry run and the like. */
export function Tick({ id, name, label }: { id: string; name: string; label: string }) {
  return (
    <p>
      <input type="checkbox" id={id} name={name} value="1" />
      <label htmlFor={id}>{label}</label>
    </p>
  );
}
