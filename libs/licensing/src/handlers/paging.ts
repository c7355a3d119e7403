import { AppError, type FieldViolation } from '@acme/util';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** Validates page_size and page_token together, reporting both when both are bad. */
export function readPage(request: { pageSize: number; pageToken: string }): { pageSize: number; pageToken?: string } {
  const problems: FieldViolation[] = [];
  if (request.pageSize < 0 || request.pageSize > MAX_PAGE_SIZE) {
    problems.push({
      field: 'page_size',
      description: `must be from 1 to ${MAX_PAGE_SIZE} (0 means ${DEFAULT_PAGE_SIZE})`,
    });
  }
  if (request.pageToken.length > 512 || !/^[A-Za-z0-9_-]*$/.test(request.pageToken)) {
    problems.push({ field: 'page_token', description: 'must be a next_page_token returned by a previous call' });
  }
  if (problems.length > 0) throw AppError.invalidArgument(problems);
  return {
    pageSize: request.pageSize || DEFAULT_PAGE_SIZE,
    ...(request.pageToken ? { pageToken: request.pageToken } : {}),
  };
}
