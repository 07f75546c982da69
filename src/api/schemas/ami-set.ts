// AMI set payloads: a catalogue of AMIs per region, as in the original API.
import { Type, type Static } from '@sinclair/typebox';
import { DateTime, Identifier, MAX_LIST_ITEMS, REGION_PATTERN } from './common';

const Ami = Type.String({ pattern: '^ami-[0-9a-f]{8,17}$', description: 'AMI id' });

export const CreateAmiSetRequest = Type.Object({
  amis: Type.Array(Type.Object({
    region: Type.String({ pattern: REGION_PATTERN, description: 'AWS region' }),
    hvm: Ami,
    pv: Ami,
  }, { additionalProperties: false }), { maxItems: 100 }),
}, { additionalProperties: false, $id: 'create-ami-set-request' });
export type CreateAmiSetRequest = Static<typeof CreateAmiSetRequest>;

export const AmiSetResponse = Type.Object({
  id: Identifier('AMI set id'),
  amis: CreateAmiSetRequest.properties.amis,
  lastModified: DateTime('When the set last changed'),
}, { additionalProperties: false, $id: 'get-ami-set-response' });
export type AmiSetResponse = Static<typeof AmiSetResponse>;

export const AmiSetIds = Type.Array(Identifier('AMI set id'), { $id: 'list-ami-sets-response', maxItems: MAX_LIST_ITEMS });
