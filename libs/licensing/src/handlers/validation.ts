import { AppError, type FieldViolation } from '@acme/util';

/** Collects every bad field of a request, then throws them together (nothing is half-checked). */
export class RequestProblems {
  private readonly problems: FieldViolation[] = [];

  add(field: string, description: string): this {
    this.problems.push({ field, description });
    return this;
  }

  id(field: string, value: string, prefix: string): this {
    if (value === '') return this.add(field, 'required');
    if (!new RegExp(`^${prefix}_[A-Za-z0-9_]{1,60}$`).test(value)) this.add(field, `must look like ${prefix}_<letters, digits or _>`);
    return this;
  }

  slug(field: string, value: string): this {
    if (value === '') return this.add(field, 'required');
    if (!/^[a-z][a-z0-9_]{1,63}$/.test(value)) this.add(field, 'must be a product id such as goto_meeting');
    return this;
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw AppError.invalidArgument(this.problems);
  }
}
