// The AWS Price List Query API (GetProducts), narrowed to what the provisioner asks: the
// on-demand product documents of one EC2 instance type in one region, for Linux without
// pre-installed software on shared tenancy, as AWS bills a plain RunInstances.
//
// One query per instance type rather than every type of a region: the refresh needs only the
// types some worker type uses (a few, where a region has about a thousand), and each product
// document carries all its reserved terms too (several kB each), so asking for all would move
// megabytes a day per region for prices nobody reads. A query is still followed to its last
// page: AWS may split even a narrow answer.
//
// Throws only Ec2Error (src/aws/errors.ts classifies Pricing's codes too: ThrottlingException
// is `throttled`), never an SDK error. The API serves every region's prices from a few
// regions of its own (PRICING_API_REGION); the client is created once and reused.
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { allPages, callEc2 } from './ec2-call';
import type { Ec2ClientOptions } from './ec2-clients';

/** The filters AWS documents for an on-demand Linux instance price (Field names are the product attributes). */
export function onDemandFilters(region: string, instanceType: string) {
  const match = (Field: string, Value: string) => ({ Type: 'TERM_MATCH' as const, Field, Value });
  return [
    match('regionCode', region), match('instanceType', instanceType), match('operatingSystem', 'Linux'),
    match('tenancy', 'Shared'), match('preInstalledSw', 'NA'), match('capacitystatus', 'Used'),
  ];
}

/** Largest page the API allows; fewer round trips for the same answer. */
const PAGE_SIZE = 100;

export interface PricingGateway {
  /**
   * Every product document (the parsed JSON of each `PriceList` entry) GetProducts returns for
   * the on-demand Linux price of `instanceType` in `region`, all pages read. Unparsable
   * entries are skipped; the caller's parser checks the rest.
   */
  onDemandProducts(region: string, instanceType: string): Promise<unknown[]>;
  destroy(): void;
}

export function createPricingGateway(options: Ec2ClientOptions & { region: string }): PricingGateway {
  const client = new PricingClient({
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts,
    retryMode: options.retryMode,
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? 20_000, connectionTimeout: options.connectTimeoutMs ?? 5_000, throwOnRequestTimeout: true },
  });
  return {
    async onDemandProducts(region, instanceType) {
      const filters = onDemandFilters(region, instanceType);
      return allPages(async (nextToken) => {
        const page = await callEc2({ operation: 'GetProducts', region: options.region }, () => client.send(new GetProductsCommand({
          ServiceCode: 'AmazonEC2', Filters: filters, FormatVersion: 'aws_v1', MaxResults: PAGE_SIZE, NextToken: nextToken,
        })));
        return { items: (page.PriceList ?? []).flatMap(parseEntry), nextToken: page.NextToken };
      });
    },
    destroy: () => client.destroy(),
  };
}

/** A Price List that has no products: where none can be reached (dev mode on moto), on-demand prices stay unknown. */
export const NO_PRICE_LIST: PricingGateway = { onDemandProducts: async () => [], destroy: () => undefined };

/** Each entry is a JSON document as a string (the SDK hands it over as a String object). */
function parseEntry(entry: unknown): unknown[] {
  try {
    return [JSON.parse(String(entry)) as unknown];
  } catch {
    return [];
  }
}
