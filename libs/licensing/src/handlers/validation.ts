import { FIELD_LIMITS } from '@acme/licensing-data-access';
import { AppError, type FieldViolation } from '@acme/util';

/** An email address as users type it (checked after trimming and lower-casing). */
export const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;

/** Collects every bad field of a request, then throws them together (nothing is half-checked). */
export class RequestProblems {
  private readonly problems: FieldViolation[] = [];

  add(field: string, description: string): this {
    this.problems.push({ field, description });
    return this;
  }

  id(field: string, value: string, prefix: string): this {
    if (value === '') return this.add(field, 'required');
    if (!new RegExp(`^${prefix}_[A-Za-z0-9_]+$`).test(value) || value.length > FIELD_LIMITS.id) {
      this.add(field, `must look like ${prefix}_<letters, digits or _>, at most ${FIELD_LIMITS.id} characters`);
    }
    return this;
  }

  /** Required text of at most `limit` characters once trimmed (the column it is stored in). */
  text(field: string, value: string, limit: keyof typeof FIELD_LIMITS): this {
    const trimmed = value.trim();
    if (trimmed === '' || trimmed.length > FIELD_LIMITS[limit])
      this.add(field, `required, at most ${FIELD_LIMITS[limit]} characters`);
    return this;
  }

  slug(field: string, value: string, example = 'a product id such as goto_meeting'): this {
    if (value === '') return this.add(field, 'required');
    if (!/^[a-z][a-z0-9_]+$/.test(value) || value.length > FIELD_LIMITS.id) this.add(field, `must be ${example}`);
    return this;
  }

  /** A seat change names a product or a whole suite: exactly one of `product_id` and `suite_id`. */
  productOrSuite(productId: string, suiteId: string): this {
    if (productId !== '' && suiteId !== '') return this.add('suite_id', 'name a product or a suite, not both');
    if (suiteId !== '') return this.slug('suite_id', suiteId, 'a suite id such as zendesk_support_suite');
    if (productId === '') return this.add('product_id', 'required: a product, or a suite in suite_id');
    return this.slug('product_id', productId);
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw AppError.invalidArgument(this.problems);
  }
}
