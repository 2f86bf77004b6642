import { v2Limit, type Controller } from './controller';

export const hugetlb: Controller = {
  v1: 'hugetlb',
  v2: 'hugetlb',
  wants: (r) => !!r.hugepageLimits?.length,
  applyV1(dir, r) {
    for (const h of r.hugepageLimits ?? []) dir.write(`hugetlb.${h.pageSize}.limit_in_bytes`, String(h.limit));
  },
  applyV2(dir, r) {
    for (const h of r.hugepageLimits ?? []) dir.write(`hugetlb.${h.pageSize}.max`, v2Limit(h.limit));
  },
};
