import { describeProviderConformance } from '@clearway/connector-sdk/testing';
import { describe } from 'vitest';
import { conformanceHarness } from './test-support/harness.js';

describe('bearer token, RFC 7644 service (members in group reads, ETags, noTarget)', () => {
  describeProviderConformance(conformanceHarness('bearer'));
});

describe('HTTP Basic', () => {
  describeProviderConformance(conformanceHarness('basic'));
});

describe('a service without ETags that omits members from group reads, checked by member filter', () => {
  describeProviderConformance(conformanceHarness('bearer', { etags: false, membersInGroupRead: false }, { memberLookup: 'filter' }));
});

describe('a service that only accepts value-list removal, answers 200 to PATCH and refuses value-path email filters', () => {
  describeProviderConformance(
    conformanceHarness('bearer', { removeForms: ['value_list'], patchStatus: 200, emailFilters: ['sub_attribute'], noTargetOnMissingMember: false }, { memberRemoval: 'value_list' }),
  );
});
