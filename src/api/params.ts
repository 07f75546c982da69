// URL parameters shared by the routes; patterns come from the domain identifiers.
import { IDENTIFIER_PATTERN, INSTANCE_ID_PATTERN, SLUGID_PATTERN } from './schemas/common';
import type { ParamSpec } from './route';

export const workerTypeParam: ParamSpec = { pattern: IDENTIFIER_PATTERN, description: 'Worker type name', example: 'gecko-t-linux' };
export const amiSetIdParam: ParamSpec = { pattern: IDENTIFIER_PATTERN, description: 'AMI set id', example: 'gecko-amis' };
export const tokenParam: ParamSpec = { pattern: SLUGID_PATTERN, description: 'Secret token (a slugid)', example: 'BXvD2wZLT0aWR0I0MntM1g' };
export const instanceIdParam: ParamSpec = {
  pattern: INSTANCE_ID_PATTERN, description: 'EC2 instance id (8 or 17 hex digits)', example: 'i-0123456789abcdef0',
};
