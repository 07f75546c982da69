// Service-level payloads.
import { Type } from '@sinclair/typebox';

export const PingResponse = Type.Object({
  alive: Type.Boolean(),
  uptime: Type.Number({ description: 'Seconds since the process started' }),
}, { additionalProperties: false, $id: 'ping-response' });
